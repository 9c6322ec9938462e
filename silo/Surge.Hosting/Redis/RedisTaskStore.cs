using Microsoft.Extensions.Options;
using Orleans.Serialization;
using StackExchange.Redis;
using Surge.Tasks;

namespace Surge.Hosting.Redis;

/// <summary>
/// Task records in Redis: one hash per shard, a field per task. A submission is acknowledged only after its record
/// is written, so a shard that comes back on another silo finds every acknowledged task.
/// </summary>
internal sealed class RedisTaskStore(RedisConnection connection, Serializer<TaskRecord> serializer, IOptions<ClusterOptions> cluster) : ITaskStore
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    private RedisKey Key(int shard) => $"surge:{_serviceId}:tasks:{shard}";

    // One HSET of every record: a batch is one round trip and one atomic write.
    public async ValueTask SaveAsync(int shard, IReadOnlyList<TaskRecord> records)
    {
        var fields = new HashEntry[records.Count];
        for (var i = 0; i < fields.Length; i++) fields[i] = new HashEntry(records[i].Id, serializer.SerializeToArray(records[i]));
        await (await connection.DatabaseAsync()).HashSetAsync(Key(shard), fields);
    }

    public async ValueTask RemoveAsync(int shard, IReadOnlyCollection<string> taskIds)
        => await (await connection.DatabaseAsync()).HashDeleteAsync(Key(shard), [.. taskIds.Select(id => (RedisValue)id)]);

    public async ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard)
    {
        var entries = await (await connection.DatabaseAsync()).HashGetAllAsync(Key(shard));
        return Array.ConvertAll(entries, e => serializer.Deserialize((byte[])e.Value!)!);
    }
}
