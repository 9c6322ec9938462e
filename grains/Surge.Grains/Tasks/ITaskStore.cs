namespace Surge.Tasks;

/// <summary>
/// Where task shards keep their records: written through on every change, read back when a shard activates (after a
/// restart or on another silo). In this process's memory on embedded defaults; Redis in cluster mode.
/// </summary>
internal interface ITaskStore
{
    ValueTask SaveAsync(int shard, TaskRecord record);

    ValueTask RemoveAsync(int shard, IReadOnlyCollection<string> taskIds);

    ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard);
}
