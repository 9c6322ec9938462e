using StackExchange.Redis;

namespace Surge.Cluster.Tests.Redis;

/// <summary>Cached results expire in Redis by TTL, whether or not anyone reads them again (real Redis and silo process).</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class CacheExpiryTests
{
    [Fact]
    public async Task ResultCache_DeterministicResultInClusterMode_StoredWithTheLargestCacheTtl()
    {
        using var redis = await RedisServer.StartAsync();
        // simulate's 2 h is the largest CacheTtl configured (the default policy keeps 1 h): the storage's TTL.
        using var silo = await RedisSilo.StartAsync(redis,
            "--Surge:Policies:Types:simulate:Deterministic=true", "--Surge:Policies:Types:simulate:CacheTtl=02:00:00");
        await using var client = await RedisClient.StartAsync(redis);
        var done = await client.Surge.RunAsync(TaskSpec.Create("simulate", $$"""{"duration_ms":1,"n":"{{Guid.NewGuid():N}}"}"""));
        Assert.Equal(TaskState.Succeeded, done.State);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "*resultcache*")) keys.Add(key);
        var cached = Assert.Single(keys);
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(cached);
        Assert.NotNull(ttl); // null: no TTL, the entry would stay until read after its expiry
        Assert.InRange(ttl.Value, TimeSpan.FromHours(1.9), TimeSpan.FromHours(2));
    }
}
