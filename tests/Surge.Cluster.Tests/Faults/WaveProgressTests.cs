using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Cluster.Tests.Flows;
using Surge.Flows;
using Surge.Testing;

namespace Surge.Cluster.Tests.Faults;

/// <summary>What a wave's entity shows while its decisions are on their way to storage: only what is stored.</summary>
public class WaveProgressTests : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForWaves>());

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.ReleaseWrites();
        await _surge.DisposeAsync();
    }

    [Fact]
    public async Task GetAsync_WhileAStepsEndIsBeingStored_ShowsTheStepRunning()
    {
        var flows = _surge.Flows;
        var flow = await flows.RegisterAsync(new FlowBuilder("slowstore")
            .Task("load", FlowStepHandler.TypeName, "v1", output: "slowstore-raw", payload: """{"sleep_ms": 300}""").Build());
        await flows.AddToStateAsync("slowstore", ["e1"]);
        var wave = await flows.StartWaveAsync(new WaveRequest(flow.Name, "slowstore", WaveId: "slowstore-1"));
        var silo = ((InProcessSiloHandle)_surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>(); // silos only
        var entity = silo.GetGrain<IWaveEntityGrain>(WaveKeys.Entity(wave.Wave, "e1"));
        await Eventually.ValueAsync(entity.GetAsync, p => p is { Steps: [StepState.Running] }, "the step's start, stored");

        FaultyGrainStorage.HoldWritesOf = "wave-entity"; // the step's end waits on its way to storage
        await Eventually.TrueAsync(() => FaultyGrainStorage.WaitingWrites > 0, "the step's end, on its way to storage");

        var shown = await entity.GetAsync();
        Assert.Equal(StepState.Running, Assert.Single(shown!.Steps)); // before the fix: Finished, which a crash now would undo
        Assert.False(shown.Done);

        FaultyGrainStorage.ReleaseWrites();
        await Eventually.ValueAsync(entity.GetAsync, p => p is { Done: true, Steps: [StepState.Finished] }, "the step's end, once stored");
    }
}
