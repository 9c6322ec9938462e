using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Client;
using Surge.Hosting;

namespace Surge.Cluster.Tests;

/// <summary>
/// A two-silo in-process cluster running Surge with the given <c>Surge:*</c> settings, and an
/// <see cref="ISurgeClient"/> over its client.
/// </summary>
public sealed class SurgeCluster : IAsyncDisposable
{
    private SurgeCluster(TestCluster cluster)
    {
        Cluster = cluster;
        var services = CreateClient(cluster.Client);
        Client = services.GetRequiredService<ISurgeClient>();
        Flows = services.GetRequiredService<ISurgeFlows>();
    }

    public TestCluster Cluster { get; }
    public ISurgeClient Client { get; }
    public ISurgeFlows Flows { get; }

    // The clocks of clusters started on one: a silo configurator is made by the test host, so it finds its clock by key.
    private const string ClockKey = "SurgeTests:Clock";
    private static readonly ConcurrentDictionary<string, TimeProvider> Clocks = new();

    /// <summary>On in every test cluster unless the settings say otherwise.</summary>
    public const string SimulateKey = "Surge:Workers:Simulate";

    public static Task<SurgeCluster> StartAsync(IDictionary<string, string>? settings = null) => StartAsync(settings, static _ => { });

    /// <summary>
    /// A cluster on <paramref name="clock"/> (a <c>FakeTimeProvider</c> the test moves): Surge's services and the grains'
    /// timers read it, while Orleans' own background loops (membership, messaging timeouts, activation collection) stay
    /// on real time, so the cluster runs and answers whatever the test does with its clock.
    /// </summary>
    public static Task<SurgeCluster> StartAsync(IDictionary<string, string>? settings, TimeProvider clock) => StartAsync(settings, clock, static _ => { });

    /// <summary>A cluster on <paramref name="clock"/> whose silos <paramref name="configure"/> adds to (a shared task store, say).</summary>
    public static Task<SurgeCluster> StartAsync(IDictionary<string, string>? settings, TimeProvider clock, Action<TestClusterBuilder> configure)
    {
        var key = Guid.NewGuid().ToString("N");
        Clocks[key] = clock;
        return StartAsync(settings, builder =>
        {
            builder.Properties[ClockKey] = key;
            builder.AddSiloBuilderConfigurator<ClockConfigurator>();
            configure(builder);
        });
    }

    /// <summary>
    /// <paramref name="configure"/> runs before Surge's own silo configurator, so a silo configurator it adds can
    /// register services Surge only adds when missing (an <c>ITaskStore</c>, e.g. <c>Faults.FaultyTaskStore</c>).
    /// </summary>
    public static async Task<SurgeCluster> StartAsync(IDictionary<string, string>? settings, Action<TestClusterBuilder> configure)
    {
        var builder = new TestClusterBuilder(2);
        builder.Properties[SimulateKey] = "true"; // most tests run simulate tasks; a test of its absence sets it false
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.Properties[key] = value;
        configure(builder);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SurgeCluster(cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    // Runs before SiloConfigurator: Surge only adds the system clock when no TimeProvider is registered yet.
    private sealed class ClockConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton(Clocks[silo.Configuration[ClockKey]!]);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(SurgeStorage.Sessions);
            // A test may have put a faulty storage of its own in front of these (Faults.FaultyGrainStorage).
            foreach (var name in (string[])[SurgeStorage.Name, SurgeStorage.Entities, SurgeStorage.Waves, SurgeStorage.Pipes, SurgeStorage.Cache])
                if (!silo.Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(Orleans.Storage.IGrainStorage)))
                    silo.AddMemoryGrainStorage(name);
            silo.UseInMemoryReminderService();
            silo.AddSurgeWorkers(w => w.AddHandler<CountingHandler>(CountingHandler.TypeName).AddHandler<GateHandler>(GateHandler.TypeName)
                .AddHandler<PickyHandler>(PickyHandler.TypeName)
                .AddHandler<FlakyHandler>(FlakyHandler.TypeName).AddHandler<StubbornHandler>(StubbornHandler.TypeName)
                .AddHandler<PatientHandler>(PatientHandler.TypeName).AddHandler<SquareHandler>(SquareHandler.TypeName)
                .AddHandler<CappedHandler>(CappedHandler.Capped).AddHandler<CappedHandler>(CappedHandler.Metered)
                .AddHandler<IntervalHandler>(IntervalHandler.TypeName).AddHandler<BigResultHandler>(BigResultHandler.TypeName)
                .AddHandler<ScaleHandler>().AddHandler<Surge.Cluster.Tests.Flows.FlowStepHandler>(Surge.Cluster.Tests.Flows.FlowStepHandler.TypeName));
            silo.Services.AddScoped<RunScopedLedger>();
        }
    }

    /// <summary>The production clients, over the test cluster's own Orleans client.</summary>
    private static IServiceProvider CreateClient(IClusterClient client)
    {
        var services = new ServiceCollection();
        services.AddSingleton(client);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSurgeClient();
        return services.BuildServiceProvider();
    }
}
