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
/// What a wave's entity shows while its decisions are on their way to storage (only what is stored); that its run ends
/// with its activation and goes on in the next at once; and that its wave hears its end though the first telling fails.
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
        FaultyGrainStorage.FailWritesOf = null;
        await _surge.DisposeAsync();
    }

    // A chaos run's last wave had every step done 32 s before the check, and was not: its entities' last reports were
    // one-way, and a report lost (or heard by a wave that could not store its finish) left the wave open until its
    // reminder, a minute away. The last report is now told until the wave has it, finish stored.
    [Fact]
    public async Task Finish_WaveCannotStoreItWhenTheLastReportComes_TheReportIsToldAgain_TheWaveFinishes()
    {
        var (silo, entity) = await StartOneStepWaveAsync("unheard");

        var refusedBefore = FaultyGrainStorage.FailedWrites;
        FaultyGrainStorage.FailWritesOf = "wave"; // the wave's own record: its finish
        await Eventually.TrueAsync(() => FaultyGrainStorage.FailedWrites > refusedBefore, "the wave's finish refused");
        FaultyGrainStorage.FailWritesOf = null;

        // Nobody looks at the wave (a look at a quiet wave sweeps its entities, which would finish it too): its stored
        // record is read, as its next activation would. Its reminder is a minute away.
        var waveId = silo.GetGrain<IWaveProgress>("unheard-1").GetGrainId();
        await Eventually.TrueAsync(() => FaultyGrainStorage.StoredState<WaveRecord>("wave", waveId) is { FinishedAt: not null },
            "the wave's finish, stored", TimeSpan.FromSeconds(20));
    }

    // A chaos run's silo went on logging "its run stopped" for a wave entity every 10 s for minutes after that
    // activation was gone (a duplicate deactivated once a partition healed): its run loop outlived it, failing on
    // every grain call. The run now ends with its activation, and the next activation goes on from what is stored.
    [Fact]
    public async Task Run_ActivationGoesWhileItRetries_TheRunEndsWithIt_TheNextOneFinishesUnasked()
    {
        var (_, entity) = await StartOneStepWaveAsync("outlived");

        FaultyGrainStorage.FailWrites = true; // the step's output and end cannot be stored: the run retries
        await Eventually.TrueAsync(() => EntityRunLines.Of("outlived-1") >= 2, "the run retrying");
        await entity.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        FaultyGrainStorage.FailWrites = false; // the next activation, which the old one wakes as it goes, stores and finishes

        // Not a condition that can come true: an activation that is gone must stay silent. Before, its run's next try
        // came within 0.8 s and failed at once, "Attempt to access an invalid activation", then every few seconds.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(0, EntityRunLines.FromGoneActivation("outlived-1"));

        // Nobody asks the entity (an ask would wake it): its stored record is read. A run not done wakes its next activation
        // as the old one goes; before, it waited for the wave's next sweep, up to a minute away.
        var entityId = entity.GetGrainId();
        await Eventually.TrueAsync(() => FaultyGrainStorage.StoredState<WaveEntityState>("wave-entity", entityId) is { Steps: [{ State: StepState.Finished }] },
            "the step's end, stored by a new activation", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task GetAsync_WhileAStepsEndIsBeingStored_ShowsTheStepRunning()
    {
        var (_, entity) = await StartOneStepWaveAsync("slowstore");

        FaultyGrainStorage.HoldWritesOf = "wave-entity"; // the step's end waits on its way to storage
        await Eventually.TrueAsync(() => FaultyGrainStorage.WaitingWrites > 0, "the step's end, on its way to storage");

        var shown = await entity.GetAsync();
        Assert.Equal(StepState.Running, Assert.Single(shown!.Steps)); // before the fix: Finished, which a crash now would undo
        Assert.False(shown.Done);

        FaultyGrainStorage.ReleaseWrites();
        await Eventually.ValueAsync(entity.GetAsync, p => p is { Done: true, Steps: [StepState.Finished] }, "the step's end, once stored");
    }

    // A wave NAME-1 of one entity whose one step sleeps 300 ms, once the step's start is stored; the grain factory of a
    // silo (grains the client cannot call) and the entity.
    private async Task<(IGrainFactory Silo, IWaveEntityGrain Entity)> StartOneStepWaveAsync(string name)
    {
        var flows = _surge.Flows;
        var flow = await flows.RegisterAsync(new FlowBuilder(name)
            .Task("load", FlowStepHandler.TypeName, "v1", output: $"{name}-raw", payload: """{"sleep_ms": 300}""").Build());
        await flows.AddToStateAsync(name, ["e1"]);
        var wave = await flows.StartWaveAsync(new WaveRequest(flow.Name, name, WaveId: $"{name}-1"));
        var silo = ((InProcessSiloHandle)_surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>();
        var entity = silo.GetGrain<IWaveEntityGrain>(WaveKeys.Entity(wave.Wave, "e1"));
        await Eventually.ValueAsync(entity.GetAsync, p => p is { Steps: [StepState.Running] }, "the step's start, stored");
        return (silo, entity);
    }

    /// <summary>
    /// Counts the wave entities' "run stopped" and "call failed" lines by wave: all of them, and those whose failure
    /// was that the activation they ran in was gone.
    /// </summary>
    private sealed class EntityRunLines : ISiloConfigurator, ILoggerProvider, ILogger
    {
        private static readonly ConcurrentDictionary<string, int> Lines = new(), Gone = new();

        public static int Of(string wave) => Lines.GetValueOrDefault(wave);

        public static int FromGoneActivation(string wave) => Gone.GetValueOrDefault(wave);

        public void Configure(ISiloBuilder silo) => silo.Services.AddSingleton<ILoggerProvider>(new EntityRunLines());

        public ILogger CreateLogger(string categoryName)
            => categoryName == typeof(WaveEntityGrain).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> values || values.FirstOrDefault(v => v.Key == "Wave").Value is not string wave) return;
            Lines.AddOrUpdate(wave, 1, (_, n) => n + 1);
            if (exception?.ToString().Contains("invalid activation", StringComparison.Ordinal) == true) Gone.AddOrUpdate(wave, 1, (_, n) => n + 1);
        }

        public void Dispose()
        {
        }
    }
}
