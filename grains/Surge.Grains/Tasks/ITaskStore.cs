namespace Surge.Tasks;

/// <summary>
/// Where task shards keep their records: written before a change can be observed, read back when a shard activates
/// (after a restart or on another silo). In this process's memory on embedded defaults; Redis in cluster mode.
/// </summary>
internal interface ITaskStore
{
    /// <summary>
    /// Writes the records of one shard in one round trip (a shard's journal batches what arrived while the last write
    /// was in flight). All or nothing from the caller's view: a throw means none of them may be assumed stored.
    /// </summary>
    ValueTask SaveAsync(int shard, IReadOnlyList<TaskRecord> records);

    ValueTask RemoveAsync(int shard, IReadOnlyCollection<string> taskIds);

    ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard);
}
