using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using Surge.Cluster.Tests.Flows;
using Surge.Flows;
using Surge.Testing;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// What a wave's entity shows while its decisions are on their way to storage (only what is stored), and that its run
/// ends with its activation.
/// </summary>
public class WaveProgressTests : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b =>
            {
                b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForWaves>();
                b.AddSiloBuilderConfigurator<EntityRunLines>();
            });

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.ReleaseWrites();
        FaultyGrainStorage.FailWrites = false;
        await _surge.DisposeAsync();
    }

    // A chaos run's silo went on logging "its run stopped" for a wave entity every 10 s for minutes after that
    // activation was gone (a duplicate deactivated once a partition healed): its run loop outlived it, failing on
    // every grain call. The run now ends with its activation, and the next activation goes on from what is stored.
    [Fact]
    public async Task Run_ActivationGoesWhileItRetries_TheRunEndsWithIt_TheNextOneFinishes()
    {
        var flows = _surge.Flows;
        var flow = await flows.RegisterAsync(new FlowBuilder("outlived")
            .Task("load", FlowStepHandler.TypeName, "v1", output: "outlived-raw", payload: """{"sleep_ms": 300}""").Build());
        await flows.AddToStateAsync("outlived", ["e1"]);
        var wave = await flows.StartWaveAsync(new WaveRequest(flow.Name, "outlived", WaveId: "outlived-1"));
        var silo = ((InProcessSiloHandle)_surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>(); // silos only
        var entity = silo.GetGrain<IWaveEntityGrain>(WaveKeys.Entity(wave.Wave, "e1"));
        await Eventually.ValueAsync(entity.GetAsync, p => p is { Steps: [StepState.Running] }, "the step's start, stored");

        FaultyGrainStorage.FailWrites = true; // the step's output and end cannot be stored: the run retries
        await Eventually.TrueAsync(() => EntityRunLines.Of("outlived-1") >= 2, "the run retrying");
        await entity.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var management = _surge.Cluster.Client.GetGrain<IManagementGrain>(0);
        await Eventually.TrueAsync(async () => await management.GetActivationAddress(entity) is null, "the activation gone");
        FaultyGrainStorage.FailWrites = false; // the next activation, should anything wake one, stores and logs nothing

        // Not a condition that can come true: an activation that is gone must stay silent. Before, its run's next try
        // came within 0.8 s and failed at once ("Attempt to access an invalid activation"), then every few seconds.
        var before = EntityRunLines.Of("outlived-1");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(before, EntityRunLines.Of("outlived-1"));

        await Eventually.ValueAsync(entity.GetAsync, p => p is { Done: true, Steps: [StepState.Finished] }, "the step's end, from a new activation");
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

    /// <summary>Counts the wave entities' "run stopped" and "call failed" lines, by wave.</summary>
    private sealed class EntityRunLines : ISiloConfigurator, ILoggerProvider, ILogger
    {
        private static readonly ConcurrentDictionary<string, int> Lines = new();

        public static int Of(string wave) => Lines.GetValueOrDefault(wave);

        public void Configure(ISiloBuilder silo) => silo.Services.AddSingleton<ILoggerProvider>(new EntityRunLines());

        public ILogger CreateLogger(string categoryName)
            => categoryName == typeof(WaveEntityGrain).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "Wave").Value is string wave)
                Lines.AddOrUpdate(wave, 1, (_, n) => n + 1);
        }

        public void Dispose()
        {
        }
    }
}
