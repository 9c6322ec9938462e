using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Surge.Entities;
using Surge.Hosting;
using Surge.Hosting.Redis;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Redis;

/// <summary>The Redis book store against a real redis-server: an entity shard's claim fences its book writes.</summary>
public class RedisEntityBookStoreTests
{
    private static readonly IServiceProvider Orleans = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(EntityRecord).Assembly).AddAssembly(typeof(TaskSpec).Assembly))
        .BuildServiceProvider();

    private static RedisEntityBookStore Store(RedisServer redis)
        => new(new RedisConnection(redis.ConnectionString), Orleans.GetRequiredService<Serializer<EntityRecord>>(),
            Options.Create(new ClusterOptions { ServiceId = "claims" }), Options.Create(new TaskOptions()), Options.Create(new EntityOptions()));

    private static BookWrite Running(string entity, string taskId)
        => new(entity, new GrainState<EntityRecord>(new EntityRecord { Running = new EntityEvent(taskId, "build.started", null, null) }));

    [Theory]
    [InlineData(1)] // a batch of one book
    [InlineData(3)]
    public async Task SaveAsync_UnderAReplacedClaim_IsRefusedAndStoresNothing(int books)
    {
        using var redis = await RedisServer.StartAsync();
        var paused = Store(redis); // a silo that slept through its shard's move
        var replacement = Store(redis);
        var entities = Enumerable.Range(0, books).Select(i => $"build/{i}").ToArray();
        var old = await paused.ClaimAsync(4);
        await paused.SaveAsync(old, [.. entities.Select(e => Running(e, "started"))]);

        var current = await replacement.ClaimAsync(4);
        await replacement.SaveAsync(current, [.. entities.Select(e => Running(e, "finished"))]);
        await Assert.ThrowsAsync<ShardClaimLostException>(() => paused.SaveAsync(old, [.. entities.Select(e => Running(e, "started"))]).AsTask());

        var stored = await replacement.LoadAsync(4, entities);
        Assert.All(stored, book => Assert.Equal("finished", book.State!.Running?.TaskId));
    }
}
