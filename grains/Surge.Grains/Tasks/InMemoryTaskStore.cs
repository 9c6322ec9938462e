using System.Collections.Concurrent;

namespace Surge.Tasks;

/// <summary>
/// Records in this process's memory: they outlive a shard's deactivation, not the process. Records are immutable,
/// so keeping the reference is a snapshot. Claims are checked as Redis checks them.
/// </summary>
internal sealed class InMemoryTaskStore : ITaskStore
{
    private readonly ConcurrentDictionary<string, TaskRecord>[] _shards =
        Enumerable.Range(0, TaskShards.Count).Select(_ => new ConcurrentDictionary<string, TaskRecord>(StringComparer.Ordinal)).ToArray();
    private readonly long[] _claims = new long[TaskShards.Count];

    public ValueTask<ShardClaim> ClaimAsync(int shard)
    {
        lock (_shards[shard]) // a write under the old claim is wholly before the new one, or refused
        {
            return ValueTask.FromResult(new ShardClaim(shard, ++_claims[shard]));
        }
    }

    public ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<TaskRecord> records)
    {
        lock (_shards[claim.Shard]) // a claim cannot come between the check and the write
        {
            Check(claim);
            foreach (var record in records) _shards[claim.Shard][record.Id] = record;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(ShardClaim claim, IReadOnlyCollection<string> taskIds)
    {
        lock (_shards[claim.Shard])
        {
            Check(claim);
            foreach (var id in taskIds) _shards[claim.Shard].TryRemove(id, out _);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard)
        => ValueTask.FromResult<IReadOnlyCollection<TaskRecord>>(_shards[shard].Values.ToArray());

    private void Check(ShardClaim claim)
    {
        if (_claims[claim.Shard] != claim.Epoch) throw new ShardClaimLostException(claim);
    }
}
