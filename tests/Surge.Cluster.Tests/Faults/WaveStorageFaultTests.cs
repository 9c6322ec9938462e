using Surge.Client;
using Surge.Cluster.Tests.Flows;
using Surge.Flows;

namespace Surge.Cluster.Tests.Faults;

/// <summary>Waves whose own storage (their runs and their pipes) fails a quarter of its writes, as a flaky Redis does.</summary>
public class WaveStorageFaultTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForWaves>());

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.FailRate = 0;
        await _surge.DisposeAsync();
    }

    [Fact]
    public async Task Wave_StorageFailsAQuarterOfWrites_EveryEntityFinishesEachStepOnceInGraphOrder()
    {
        var flows = _surge.Flows;
        var flow = await flows.RegisterAsync(new FlowBuilder("flaky")
            .Task("load", FlowStepHandler.TypeName, "v1", output: "flaky-raw")
            .Task("left", FlowStepHandler.TypeName, "v1", output: "flaky-l", inputs: ["flaky-raw"])
            .Task("right", FlowStepHandler.TypeName, "v1", output: "flaky-r", inputs: ["flaky-raw"])
            .Task("join", FlowStepHandler.TypeName, "v1", output: "flaky-j", inputs: ["flaky-l", "flaky-r"]).Build());
        var entities = Enumerable.Range(0, 30).Select(i => $"f{i}").ToArray();
        await flows.AddToStateAsync("flaky", entities);

        FaultyGrainStorage.FailRate = 0.25;
        var wave = await RetryAsync(() => flows.StartWaveAsync(new WaveRequest(flow.Name, "flaky", WaveId: "flaky-1")));
        var done = await flows.WaitWaveAsync(wave.Wave, TimeSpan.FromSeconds(90));
        FaultyGrainStorage.FailRate = 0;

        Assert.True(done.IsDone, $"stalled: {string.Join("; ", done.Tasks)}");
        Assert.Equal((120, 0, 0), (done.Finished, done.Degraded, done.Failed));
        var runs = FlowStepHandler.Of(wave.Wave);
        foreach (var entity in entities)
        {
            var mine = runs.Where(r => r.Entity == entity).ToList();
            // A step may run again when its end could not be stored; a reader never starts before what it reads ended.
            var join = Assert.Single(mine, r => r.Task == "join");
            Assert.All(mine.Where(r => r.Task is "left" or "right"), r => Assert.True(join.Started >= r.Ended || r.Started > join.Started));
            Assert.Equal([$"left({entity})[load({entity})[]]", $"right({entity})[load({entity})[]]"], join.Inputs);
        }
    }

    // Nobody watches (a look at the wave would sweep it): the entities whose start failed are tried again by the wave
    // itself within seconds, not at its reminder a minute later.
    [Fact]
    public async Task Wave_StorageFailsAQuarterOfWritesNobodyWatching_EveryEntityFinishesWithin30s()
    {
        var flows = _surge.Flows;
        var flow = await flows.RegisterAsync(new FlowBuilder("unwatched")
            .Task("load", FlowStepHandler.TypeName, "v1", output: "unwatched-raw")
            .Task("join", FlowStepHandler.TypeName, "v1", output: "unwatched-j", inputs: ["unwatched-raw"]).Build());
        var entities = Enumerable.Range(0, 30).Select(i => $"u{i}").ToArray();
        await flows.AddToStateAsync("unwatched", entities);

        FaultyGrainStorage.FailRate = 0.25;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var wave = await RetryAsync(() => flows.StartWaveAsync(new WaveRequest(flow.Name, "unwatched", WaveId: "unwatched-1")));
        await Eventually.TrueAsync(() => Task.FromResult(FlowStepHandler.Of(wave.Wave).Count(r => r.Task == "join") >= entities.Length),
            "every entity's join ran", TimeSpan.FromSeconds(30));
        output.WriteLine($"every entity's join ran {clock.Elapsed.TotalSeconds:F1} s after the start");
        FaultyGrainStorage.FailRate = 0;
        var done = await flows.WaitWaveAsync(wave.Wave, TimeSpan.FromSeconds(60));
        Assert.Equal((60, 0, 0), (done.Finished, done.Degraded, done.Failed));
    }

    // The wave's own first write may fail too: starting again with the same id is what a client's retry does.
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 20)
            {
            }
        }
    }
}
