using System.Collections.Concurrent;

namespace Surge.Tasks;

/// <summary>
/// The digests of the task shards active on this silo, which each shard publishes once it serves (its digest then
/// follows its records) and withdraws when it deactivates. The silo's control grain summarizes and merges them on
/// request, so <c>/api/status</c> asks each silo once instead of all 256 shards, and a shard makes no summary per change.
/// One per silo, shared across grain activations.
/// </summary>
internal sealed class SiloTaskDigest
{
    private readonly ConcurrentDictionary<int, ShardDigest> _shards = new();

    public void Publish(ShardDigest digest) => _shards[digest.Shard] = digest;

    /// <summary>Only the digest this activation published: a newer activation's stays.</summary>
    public void Withdraw(ShardDigest published) => _shards.TryRemove(KeyValuePair.Create(published.Shard, published));

    /// <summary>Counts over every shard here, and the <paramref name="depth"/> oldest held events and latest dead letters among them.</summary>
    public (int HeldCount, HeldEventSummary[] Held, int DeadLetterCount, DeadLetterSummary[] DeadLetters, int Shards) Read(int depth)
    {
        var shards = Array.ConvertAll(_shards.Values.ToArray(), d => d.Summarize(depth)); // each one moment: shards change meanwhile
        return (shards.Sum(s => s.HeldCount),
            [.. shards.SelectMany(s => s.Held).OrderBy(h => h.SubmittedAt).ThenBy(h => h.Id, StringComparer.Ordinal).Take(depth)],
            shards.Sum(s => s.DeadLetterCount),
            [.. shards.SelectMany(s => s.DeadLetters).OrderByDescending(d => d.FinishedAt).ThenBy(d => d.Id, StringComparer.Ordinal).Take(depth)],
            shards.Length);
    }
}
