using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using StackExchange.Redis;
using Surge.Entities;
using Surge.Hosting;
using Surge.Hosting.Redis;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// The Redis book store against a real redis-server: an entity shard's claim fences its book writes, and only a book
/// with nothing running or held expires.
/// </summary>
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

    // A running event may outlive any expiry (attempts retried with backoff, a long queue): had its book expired, the
    // entity's next event would find no book and run beside it; held events would be forgotten.
    [Fact]
    public async Task SaveAsync_BookWithARunningOrHeldEvent_NeverExpiresAndAnIdleOneDoes()
    {
        using var redis = await RedisServer.StartAsync();
        await using var keys = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var store = Store(redis);
        var claim = await store.ClaimAsync(4);
        var idle = new BookWrite("build/idle", new GrainState<EntityRecord>(new EntityRecord { LastSequence = 3 }));
        var held = new BookWrite("build/held", new GrainState<EntityRecord>(new EntityRecord
        {
            Pending = [new HeldEvent(new EntityEvent("finished", "build.finished", "build.started", null), DateTimeOffset.UnixEpoch)],
        }));
        await store.SaveAsync(claim, [idle, Running("build/running", "started"), held]);

        Assert.NotNull(await TimeToLiveAsync(keys, "build/idle")); // it only remembers what was handled: it may go
        Assert.Null(await TimeToLiveAsync(keys, "build/running"));
        Assert.Null(await TimeToLiveAsync(keys, "build/held"));

        // The idle book's next event runs: the expiry its book had is lifted; once it ends, the book may go again.
        idle.State.State!.Running = new EntityEvent("deploy", "deploy", null, 4);
        await store.SaveAsync(claim, [idle]);
        Assert.Null(await TimeToLiveAsync(keys, "build/idle"));
        idle.State.State.Running = null;
        await store.SaveAsync(claim, [idle]);
        Assert.NotNull(await TimeToLiveAsync(keys, "build/idle"));
    }

    // Null: the book is stored and has no expiry.
    private static async Task<TimeSpan?> TimeToLiveAsync(ConnectionMultiplexer keys, string entity)
    {
        RedisKey key = $"surge:claims:entities:{{4}}:{entity}";
        Assert.True(await keys.GetDatabase().KeyExistsAsync(key), $"the book of {entity} is not stored");
        return await keys.GetDatabase().KeyTimeToLiveAsync(key);
    }
}
