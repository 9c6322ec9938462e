using StackExchange.Redis;
using Surge.Client;
using Surge.Cluster.Tests.Redis;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Faults;

/// <summary>Issue 13, bounds: held events per entity are capped at <c>Surge:Entities:MaxHeld</c> (a TestingHost cluster).</summary>
public class EntityHeldBoundTests : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync() => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Entities:MaxHeld"] = "5",
        ["Surge:Entities:HoldLimit"] = "00:01:00",
        ["Surge:Autoscale:Enabled"] = "false",
    });

    public async Task DisposeAsync() => await _surge.DisposeAsync();

    [Fact]
    public async Task Submit_EntityHoldsMaxHeld_NextRefusedNamingTheLimit()
    {
        var entity = $"held/{Guid.NewGuid():N}";
        for (var i = 0; i < 5; i++)
            await _surge.Client.SubmitAsync(TaskSpec.Create("simulate", """{"duration_ms":1}""").ForEntity(entity, $"e{i}", after: "never"));
        var sixth = TaskSpec.Create("simulate", """{"duration_ms":1}""").ForEntity(entity, "e5", after: "never");

        var error = await Record.ExceptionAsync(() => _surge.Client.SubmitAsync(sixth));

        Assert.True(error is SurgeValidationException, $"the 6th held event of an entity with Surge:Entities:MaxHeld=5 was {(error is null ? "accepted: " + FaultSteps.Show(await _surge.Client.GetStatusAsync(sixth.Id)) : "refused with " + error)}");
        Assert.Contains("MaxHeld", error!.Message);
    }
}

/// <summary>Issue 13, bounds: an entity's stored state leaves Redis (or expires) once nothing is held or running.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class EntityStateBoundTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EntityState_NothingHeldOrRunning_DeletedOrExpiring()
    {
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis);
        await using var client = await RedisClient.StartAsync(redis);
        await using var keys = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var entity = $"bounds/{Guid.NewGuid():N}";
        var second = TaskSpec.Create("simulate", """{"duration_ms":10}""").ForEntity(entity, "second", after: "first");
        var first = TaskSpec.Create("simulate", """{"duration_ms":10}""").ForEntity(entity, "first");

        await client.Surge.SubmitAsync(second); // held: its state must be stored (this also finds its key)
        var stored = await Eventually.ValueAsync(() => EntityKeysAsync(keys, redis, entity), k => k.Count > 0, $"a Redis key naming {entity}", Limit);
        output.WriteLine($"while held: {string.Join(", ", stored)}");
        await client.Surge.SubmitAsync(first);
        Assert.Equal(TaskState.Succeeded, (await client.Surge.WaitAsync(first.Id, Limit)).State);
        Assert.Equal(TaskState.Succeeded, (await client.Surge.WaitAsync(second.Id, Limit)).State);

        await Eventually.ValueAsync(async () => await WithoutTtlAsync(keys, await EntityKeysAsync(keys, redis, entity)), kept => kept.Count == 0,
            $"the entity's state to leave Redis or expire once its last event finished (no key naming {entity} without a TTL)", Limit);
        output.WriteLine("after both finished: gone or expiring");
    }

    private static async Task<List<string>> EntityKeysAsync(ConnectionMultiplexer redis, RedisServer server, string entity)
    {
        var keys = new List<string>();
        await foreach (var key in redis.GetServer(server.ConnectionString).KeysAsync(pattern: $"*{entity}*")) keys.Add(key.ToString());
        return keys;
    }

    private static async Task<List<(string, TimeSpan?)>> WithoutTtlAsync(ConnectionMultiplexer redis, List<string> keys)
    {
        var without = new List<(string, TimeSpan?)>();
        foreach (var key in keys)
        {
            var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
            if (ttl is null && await redis.GetDatabase().KeyExistsAsync(key)) without.Add((key, ttl));
        }
        return without;
    }
}
