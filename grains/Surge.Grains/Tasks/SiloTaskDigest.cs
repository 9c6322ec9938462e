using System.Collections.Concurrent;

namespace Surge.Tasks;

/// <summary>
/// The summaries of the task shards active on this silo, which each shard publishes when its held events or dead
/// letters change and withdraws when it deactivates. The silo's control grain merges them on request, so
/// <c>/api/status</c> asks each silo once instead of all 256 shards. One per silo, shared across grain activations.
/// </summary>
internal sealed class SiloTaskDigest
{
    private readonly ConcurrentDictionary<int, ShardSummary> _shards = new();

    public void Publish(ShardSummary summary) => _shards[summary.Shard] = summary;

    /// <summary>Only the summary this activation published: a newer activation's stays.</summary>
    public void Withdraw(ShardSummary published) => _shards.TryRemove(KeyValuePair.Create(published.Shard, published));

    /// <summary>Counts over every shard here, and the <paramref name="depth"/> oldest held events and latest dead letters among them.</summary>
    public (int HeldCount, HeldEventSummary[] Held, int DeadLetterCount, DeadLetterSummary[] DeadLetters, int Shards) Read(int depth)
    {
        var shards = _shards.Values.ToArray(); // a snapshot: shards keep publishing meanwhile
        return (shards.Sum(s => s.HeldCount),
            [.. shards.SelectMany(s => s.Held).OrderBy(h => h.SubmittedAt).ThenBy(h => h.Id, StringComparer.Ordinal).Take(depth)],
            shards.Sum(s => s.DeadLetterCount),
            [.. shards.SelectMany(s => s.DeadLetters).OrderByDescending(d => d.FinishedAt).ThenBy(d => d.Id, StringComparer.Ordinal).Take(depth)],
            shards.Length);
    }
}
