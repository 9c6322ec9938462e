using StackExchange.Redis;
using Surge.Client;
using Surge.Cluster.Tests.Redis;
using Surge.Entities;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// An entity event whose end was lost (kept in its entity shard's memory, never stored) and whose record was then
/// forgotten: the next event of the entity must still run, not wait for an event its shard no longer knows.
/// </summary>
[Trait("Category", "Redis")]
public class EntityEndLostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _serviceId = $"endlost-{Guid.NewGuid():N}";
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _keys = null!;
    private SurgeCluster _surge = null!;
    private readonly List<string> _events = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _keys = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            ["Surge:Autoscale:Enabled"] = "false",
            ["Surge:Redis:ConnectionString"] = _redis.ConnectionString,
            ["Surge:Cluster:ServiceId"] = _serviceId,
            ["Surge:Tasks:Retention"] = "00:00:02", // swept every second
        }, b => b.AddSiloBuilderConfigurator<BooksInRedis>());
    }

    public async Task DisposeAsync()
    {
        foreach (var id in _events) IntervalHandler.Release(id);
        await _surge.DisposeAsync();
        await _keys.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task NextEvent_EndOfTheLastOneLostAndItsRecordForgotten_StillRuns()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var started = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.started");
        var finished = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.finished", after: "build.started");
        _events.AddRange([started.Id, finished.Id]);
        await _surge.Client.SubmitAsync(started);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(started.Id), $"{started.Id} running", Limit);

        // Another activation claims the entity's shard (as one on a silo that woke from a long pause would). The end of
        // "build.started" reaches the old one, which keeps it in memory (nothing waits for it), and whose later write
        // of it is refused: the stored book says "build.started" still runs.
        var claim = await _keys.GetDatabase().StringIncrementAsync($"surge:{_serviceId}:entities:{{{EntityShards.For(entity)}}}");
        output.WriteLine($"entity shard {EntityShards.For(entity)}: claim {claim} taken");
        IntervalHandler.Release(started.Id);
        Assert.Equal(TaskState.Succeeded, (await _surge.Client.WaitAsync(started.Id, Limit)).State);
        await Eventually.TrueAsync(async () => await _surge.Client.GetStatusAsync(started.Id) is null, $"{started.Id} forgotten past its retention", Limit);

        await _surge.Client.SubmitAsync(finished);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(finished.Id), $"{finished.Id} running after {started.Id} ended and was forgotten", Limit);
        IntervalHandler.Release(finished.Id);
        Assert.Equal(TaskState.Succeeded, (await _surge.Client.WaitAsync(finished.Id, Limit)).State);
    }
}
