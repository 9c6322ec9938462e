using System.Collections.Concurrent;

namespace Surge.Tasks;

/// <summary>
/// Records in this process's memory: they outlive a shard's deactivation, not the process. Records are immutable,
/// so keeping the reference is a snapshot.
/// </summary>
internal sealed class InMemoryTaskStore : ITaskStore
{
    private readonly ConcurrentDictionary<string, TaskRecord>[] _shards =
        Enumerable.Range(0, TaskShards.Count).Select(_ => new ConcurrentDictionary<string, TaskRecord>(StringComparer.Ordinal)).ToArray();

    public ValueTask SaveAsync(int shard, IReadOnlyList<TaskRecord> records)
    {
        foreach (var record in records) _shards[shard][record.Id] = record;
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(int shard, IReadOnlyCollection<string> taskIds)
    {
        foreach (var id in taskIds) _shards[shard].TryRemove(id, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard)
        => ValueTask.FromResult<IReadOnlyCollection<TaskRecord>>(_shards[shard].Values.ToArray());
}
