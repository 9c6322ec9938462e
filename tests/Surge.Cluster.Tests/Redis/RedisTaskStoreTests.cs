using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Surge.Hosting;
using Surge.Hosting.Redis;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Redis;

/// <summary>The Redis task store against a real redis-server: claims fence writes, and records round-trip.</summary>
public class RedisTaskStoreTests
{
    private static readonly IServiceProvider Orleans = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(TaskRecord).Assembly).AddAssembly(typeof(TaskSpec).Assembly))
        .BuildServiceProvider();

    private static RedisTaskStore Store(RedisServer redis)
        => new(new RedisConnection(redis.ConnectionString), Orleans.GetRequiredService<Serializer<TaskRecord>>(),
            Options.Create(new ClusterOptions { ServiceId = "claims" }));

    private static TaskRecord Record(string id, TaskState state = TaskState.Queued) => new() { Spec = TaskSpec.Create("t", id: id), State = state };

    [Fact]
    public async Task SaveAsync_UnderAReplacedClaim_IsRefusedAndStoresNothing()
    {
        using var redis = await RedisServer.StartAsync();
        var paused = Store(redis); // a silo that slept through its shard's move
        var replacement = Store(redis);
        var old = await paused.ClaimAsync(5);
        await paused.SaveAsync(old, [Record("a")]);

        var current = await replacement.ClaimAsync(5);
        Assert.True(current.Epoch > old.Epoch);
        await replacement.SaveAsync(current, [Record("a", TaskState.Succeeded)]);

        await Assert.ThrowsAsync<ShardClaimLostException>(() => paused.SaveAsync(old, [Record("a", TaskState.Running), Record("b")]).AsTask());
        await Assert.ThrowsAsync<ShardClaimLostException>(() => paused.RemoveAsync(old, ["a"]).AsTask());
        var loaded = Assert.Single(await replacement.LoadAsync(5));
        Assert.Equal(TaskState.Succeeded, loaded.State);
        await paused.SaveAsync(current, []); // with nothing to write, a save checks the claim: the current one passes
        await Assert.ThrowsAsync<ShardClaimLostException>(() => paused.SaveAsync(old, []).AsTask());
    }

    [Fact]
    public async Task SaveAsync_ABatchOverLuasArgumentBound_StoresEveryRecord()
    {
        using var redis = await RedisServer.StartAsync();
        var store = Store(redis);
        var claim = await store.ClaimAsync(9);
        var records = Enumerable.Range(0, 5_000).Select(i => Record($"t{i}")).ToArray();

        await store.SaveAsync(claim, records);
        Assert.Equal(5_000, (await store.LoadAsync(9)).Count);

        await store.RemoveAsync(claim, [.. records.Take(4_999).Select(r => r.Id)]);
        Assert.Equal("t4999", Assert.Single(await store.LoadAsync(9)).Id);
    }
}
