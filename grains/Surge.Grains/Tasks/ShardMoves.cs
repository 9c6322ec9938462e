using System.Collections.Concurrent;

namespace Surge.Tasks;

/// <summary>
/// When a task shard with a backlog may move to the silo placement now prefers (pure: tests decide it with a fake
/// clock). Every move deactivates the shard and activates it there, which claims and loads the shard in the store; so:
/// <list type="bullet">
/// <item>not while the store refuses: a write refused on this silo within <see cref="QuietAfterRefusal"/> (a Redis
/// cut) holds every move, since the new activation could not load and the shard would refuse even reads until Redis
/// is back, where unmoved it keeps answering them;</item>
/// <item>not onto a silo just seen active: it must have been active, as this silo sees it, for <see cref="WaitFor"/>,
/// <see cref="Settle"/> plus the shard's own share of <see cref="Spread"/> (by shard number), so the shards a new silo
/// takes arrive over 20 s, not all in the second after a restart, and a silo that flaps is not moved to at once;</item>
/// <item>not within <see cref="MinStay"/> of the shard's own activation: a shard moves at most once per 20 s, so a
/// shard that just failed over or just moved does not move again before the cluster has settled.</item>
/// </list>
/// A shard with nothing unfinished moves as it always did (within an upkeep), only not while the store refuses: its
/// move costs a load of nothing. Neither moves to a silo that drains, nor from one (TaskShardGrain.MoveIfMisplacedAsync).
/// </summary>
internal static class ShardMoveRule
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Spread = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan MinStay = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan QuietAfterRefusal = TimeSpan.FromSeconds(30);

    /// <summary>How long the target must have been active before shard <paramref name="shard"/> moves there with a backlog.</summary>
    public static TimeSpan WaitFor(int shard) => Settle + Spread * ((double)(shard % TaskShards.Count) / TaskShards.Count);

    /// <summary>The store answered lately: no write refused within <see cref="QuietAfterRefusal"/> (null: none seen).</summary>
    public static bool StoreQuiet(TimeSpan? sinceRefused) => sinceRefused is not { } since || since >= QuietAfterRefusal;

    /// <summary>Whether shard <paramref name="shard"/>, with a backlog, may move now (the target's drain is asked apart).</summary>
    public static bool MayMoveBacklog(int shard, TimeSpan targetActiveFor, TimeSpan shardActiveFor, TimeSpan? sinceRefused)
        => StoreQuiet(sinceRefused) && targetActiveFor >= WaitFor(shard) && shardActiveFor >= MinStay;
}

/// <summary>
/// What this silo's task shards know together for <see cref="ShardMoveRule"/>: when each other silo was first seen
/// active, and when a store write was last refused here. One per silo, shared across activations; a silo that restarts
/// comes back under a new address, so it is seen anew.
/// </summary>
internal sealed class ShardMoves(TimeProvider time)
{
    private readonly ConcurrentDictionary<SiloAddress, long> _firstSeen = new();
    private long _refusedAt = -1;

    /// <summary>A store call of a shard here failed (refused, timed out): moves wait for <see cref="ShardMoveRule.QuietAfterRefusal"/>.</summary>
    public void StoreRefused() => Interlocked.Exchange(ref _refusedAt, time.GetTimestamp());

    /// <summary>How long since a store call here last failed; null when none has.</summary>
    public TimeSpan? SinceStoreRefused => Interlocked.Read(ref _refusedAt) is var at and >= 0 ? time.GetElapsedTime(at) : null;

    /// <summary>
    /// Notes the silos active now (every shard's upkeep passes them, so a silo is seen within an upkeep of joining) and
    /// forgets those that are not; how long <paramref name="target"/> has been seen active.
    /// </summary>
    public TimeSpan ActiveFor(SiloAddress target, IReadOnlySet<SiloAddress> active)
    {
        var now = time.GetTimestamp();
        foreach (var silo in active) _firstSeen.TryAdd(silo, now);
        foreach (var silo in _firstSeen.Keys)
        {
            if (!active.Contains(silo)) _firstSeen.TryRemove(silo, out _);
        }
        return _firstSeen.TryGetValue(target, out var since) ? time.GetElapsedTime(since, now) : TimeSpan.Zero;
    }
}
