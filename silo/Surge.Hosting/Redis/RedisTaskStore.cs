using Microsoft.Extensions.Options;
using Orleans.Serialization;
using StackExchange.Redis;
using Surge.Tasks;

namespace Surge.Hosting.Redis;

/// <summary>
/// Task records in Redis: one hash per shard, a field per task, and beside it the shard's claim counter, whose key's
/// hash tag is the hash's own name (one slot of a Redis cluster for both; the hash holds records only, as before claims).
/// A submission is acknowledged only after its record is written, so a shard that comes back on another silo finds
/// every acknowledged task.
/// </summary>
/// <remarks>
/// Every write is one script that first compares the writer's claim with the counter, so a write under a replaced
/// claim changes nothing (<see cref="ShardClaimLostException"/>). Orleans' directory already keeps a shard from being
/// active twice while its silos behave; the claim covers a silo that does not, such as one paused (a long GC, a frozen
/// VM) past the time membership gives it to stop, which wakes with writes in flight.
/// </remarks>
internal sealed class RedisTaskStore(RedisConnection connection, Serializer<TaskRecord> serializer, IOptions<ClusterOptions> cluster) : ITaskStore
{
    private const string ClaimLost = "SURGE_CLAIM_LOST";

    private readonly string _serviceId = cluster.Value.ServiceId;

    private RedisKey Key(int shard) => $"surge:{_serviceId}:tasks:{shard}";

    private RedisKey ClaimKey(int shard) => $"{{{Key(shard)}}}:claim";

    public async ValueTask<ShardClaim> ClaimAsync(int shard)
        => new(shard, await (await connection.DatabaseAsync()).StringIncrementAsync(ClaimKey(shard)));

    // Every record in one script: a batch is one round trip and one atomic write.
    public async ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<TaskRecord> records)
    {
        var values = new RedisValue[1 + 2 * records.Count];
        values[0] = claim.Epoch;
        for (var i = 0; i < records.Count; i++)
        {
            values[1 + 2 * i] = records[i].Id;
            values[2 + 2 * i] = serializer.SerializeToArray(records[i]);
        }
        await RunAsync(claim, SaveScript, values);
    }

    public async ValueTask RemoveAsync(ShardClaim claim, IReadOnlyCollection<string> taskIds)
        => await RunAsync(claim, RemoveScript, [claim.Epoch, .. taskIds.Select(id => (RedisValue)id)]);

    public async ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard)
    {
        var entries = await (await connection.DatabaseAsync()).HashGetAllAsync(Key(shard));
        return Array.ConvertAll(entries, e => serializer.Deserialize((byte[])e.Value!)!);
    }

    private async Task RunAsync(ShardClaim claim, string script, RedisValue[] values)
    {
        try
        {
            await (await connection.DatabaseAsync()).ScriptEvaluateAsync(script, [Key(claim.Shard), ClaimKey(claim.Shard)], values);
        }
        catch (RedisServerException e) when (e.Message.Contains(ClaimLost, StringComparison.Ordinal))
        {
            throw new ShardClaimLostException(claim);
        }
    }

    // ARGV[1] is the claim; the rest are field and value pairs, set in slices (Lua's unpack has a bound on arguments).
    private const string SaveScript = $$"""
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then return redis.error_reply('{{ClaimLost}}') end
        for i = 2, #ARGV, 200 do
          redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV)))
        end
        return 1
        """;

    private const string RemoveScript = $$"""
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then return redis.error_reply('{{ClaimLost}}') end
        for i = 2, #ARGV, 200 do
          redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV)))
        end
        return 1
        """;
}
