using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Surge.Autoscale;
using Surge.Caps;
using Surge.Entities;
using Surge.Pools;
using Surge.Policies;
using Surge.Prediction;
using Surge.Prediction.Models;
using Surge.Routing;
using Surge.Silos;
using Surge.Tasks;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>Runs Surge on an Orleans silo: its grains, pools, handlers and everything they need.</summary>
public static class SurgeWorkersExtensions
{
    /// <summary>
    /// Runs Surge's grains and pools on this silo (and the built-in <c>simulate</c> handler where <c>Surge:Workers:Simulate</c> is on), with options bound from
    /// <c>Surge:*</c> configuration and validated at start-up. The grain storages named <see cref="SurgeStorage.Name"/>,
    /// <see cref="SurgeStorage.Cache"/> and <see cref="SurgeStorage.Entities"/> must be configured by the host (memory on embedded defaults, Redis in cluster mode); task records go to the
    /// in-memory task store and entity books to the <see cref="SurgeStorage.Entities"/> grain storage unless the host puts them elsewhere
    /// (as <c>UseRedisTaskStore</c> does, before or after this call; then the entities' grain storage is not used).
    /// </summary>
    public static ISiloBuilder AddSurgeWorkers(this ISiloBuilder builder, Action<SurgeWorkersBuilder>? configure = null)
    {
        var first = !IsRegistered(builder.Services);
        builder.Services.AddSurgeWorkers(configure);
        if (!first) return builder;
        builder.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        // Each silo tells the others its group and pools (Surge:Silo), so shards send a pool's work only where it runs.
        builder.UseSiloMetadata(SiloGroupMetadata.Of(EarlySettings.Read<SiloGroupOptions>(builder.Configuration, builder.Services, SiloGroupOptions.Section)));
        builder.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
        DrainAwarePlacement.Wrap(builder.Services); // and the grains Orleans places, off draining silos too
        return builder;
    }

    /// <summary>
    /// Safe to call again (AddSurgeSilo calls it, and a host adding its handlers may too): the runtime is registered
    /// once, and a later call only adds what its <paramref name="configure"/> adds (handlers, policies, programs).
    /// Composes the tasks, the pools and the features (<see cref="SurgeAutoscaleExtensions.AddSurgeAutoscale(IServiceCollection)"/>,
    /// <see cref="SurgeCapsExtensions.AddSurgeCaps(IServiceCollection)"/>, <see cref="SurgeSchedulesExtensions.AddSurgeSchedules(IServiceCollection)"/>,
    /// <see cref="SurgeProgramsExtensions.AddSurgePrograms(IServiceCollection)"/>), each of which is itself safe to call again.
    /// </summary>
    public static IServiceCollection AddSurgeWorkers(this IServiceCollection services, Action<SurgeWorkersBuilder>? configure = null)
    {
        if (IsRegistered(services))
        {
            configure?.Invoke(new SurgeWorkersBuilder(services));
            return services;
        }
        services.AddSingleton<SurgeRuntimeRegistered>();
        // Orleans' placement gives up with a TimeoutException around Polly's TimeoutRejectedException (a call to a grain
        // that cannot be placed while a silo is cut off). Orleans serializes exceptions of System, Microsoft and Azure
        // only: the inner one had no codec, so the caller heard "Could not find a codec", which no client takes for a
        // failover, instead of a timeout it rides out (bench chaos --partitions: every refusal).
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Polly"));
        AddSurgeTasks(services);
        AddSurgePools(services);
        services.AddSurgeAutoscale();
        services.AddSurgeCaps();
        services.AddSurgeSchedules();
        services.AddSurgePrograms();
        services.AddSurgeFlows();
        services.AddSurgeSecurity();
        configure?.Invoke(new SurgeWorkersBuilder(services));
        return services;
    }

    // Task records, entities, policies and the predictor: what the shards and entity grains need.
    private static void AddSurgeTasks(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        Registration.AddOptions<EntityOptions>(services, EntityOptions.Section);
        Registration.AddOptions<TaskOptions>(services, TaskOptions.Section);
        Registration.AddOptions<PredictorOptions>(services, PredictorOptions.Section);
        Registration.AddValidator<EntityOptions, EntityOptionsValidator>(services);
        Registration.AddValidator<TaskOptions, TaskOptionsValidator>(services);
        Registration.AddValidator<PredictorOptions, PredictorOptionsValidator>(services);
        services.AddSurgePolicies();
        services.TryAddSingleton(sp => StartPredictor(sp.GetRequiredService<IOptions<PredictorOptions>>().Value));
        services.TryAddSingleton<IDurationPredictor>(sp => sp.GetRequiredService<ModelPredictor>());
        services.TryAddSingleton<ITaskStore, InMemoryTaskStore>();
        services.TryAddSingleton<IEntityBookStore, GrainStorageBookStore>();
        services.TryAddSingleton(new RecoveryOptions());
        services.AddSingleton<ResultCache>();
        services.AddSingleton<SiloTaskDigest>(); // the shards active here publish into it; /api/status reads it per silo
        services.AddSingleton<ShardMoves>(); // what the shards here know together of when to move
        services.AddSingleton<DrainingSilos>(); // which silos drain: placement (shards, grains, pool work) and shard moves leave them out
        services.AddSingleton(sp => new HistoryBuffer(sp.GetRequiredService<IOptions<PredictorOptions>>().Value.HistoryCapacity));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ModelSync>();
        services.TryAddSingleton<SiloMeter>(); // gauges end with their silo
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ModelGauges>();
    }

    // The classifier and the silo's pools, and what they run on: routing, handlers, task events, drain, pool gauges.
    // Without caps the pools' start gate is open (AddSurgeCaps puts the caps' gate in).
    private static void AddSurgePools(IServiceCollection services)
    {
        Registration.AddOptions<WorkerOptions>(services, WorkerOptions.Section);
        Registration.AddOptions<PoolsOptions>(services, PoolsOptions.Section);
        Registration.AddOptions<RoutingOptions>(services, RoutingOptions.Section);
        Registration.AddOptions<DrainOptions>(services, DrainOptions.Section);
        Registration.AddOptions<SiloGroupOptions>(services, SiloGroupOptions.Section);
        Registration.AddValidator<SiloGroupOptions, SiloGroupOptionsValidator>(services);
        Registration.AddValidator<WorkerOptions, WorkerOptionsValidator>(services);
        Registration.AddValidator<PoolsOptions, PoolsOptionsValidator>(services);
        Registration.AddValidator<RoutingOptions, RoutingOptionsValidator>(services);
        Registration.AddValidator<DrainOptions, DrainOptionsValidator>(services);
        services.AddSingleton<TaskRouter>();
        services.AddSingleton<HandlerRegistry>();
        services.AddSingleton<ITaskEvents, GrainTaskEvents>();
        services.TryAddSingleton<IRunLog>(sp => sp.GetRequiredService<IOptions<WorkerOptions>>().Value.RunLog is { } dir ? new FileRunLog(dir) : NoRunLog.Instance);
        // The pools size themselves whenever the autoscaler is on: it decides pods, and keeps out of a slot's way.
        // A silo of a group runs only the pools it hosts (Surge:Silo:Pools).
        services.AddSingleton(sp => new PoolShape(sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Mode,
            Adaptive: sp.GetRequiredService<IOptions<AutoscaleOptions>>().Value.Enabled,
            Pools: [.. sp.GetRequiredService<IOptions<SiloGroupOptions>>().Value.Pools],
            ShortThresholdMs: sp.GetRequiredService<IOptions<RoutingOptions>>().Value.ShortThresholdMs));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TaskOptions>>().Value is var t ? new RunBounds(t.MaxTimeout, t.MaxResultBytes, TaskOptions.Section) : null!);
        services.AddSingleton<PoolRunner>();
        services.AddSingleton<Classifier>();
        services.AddSingleton<TaskDispatchPath>();
        services.AddSingleton<PoolHosts>();
        // An interruptible (spot) silo's stop is bounded by the reclaim notice, not the drain timeout.
        services.AddOptions<DrainOptions>().PostConfigure<IOptions<SiloGroupOptions>>((d, g) => d.Timeout = g.Value.StopTimeout(d.Timeout));
        services.AddSingleton<DispatchOutbox>();
        services.AddOptions<PredictorOptions>().PostConfigure<IOptions<RoutingOptions>>((p, r) => p.ScoringThresholdMs = r.Value.ShortThresholdMs);
        services.AddSingleton<DrainSignal>();
        services.AddSingleton<RoutingScore>();
        services.AddSingleton<DrainNotice>();
        services.AddSingleton<SiloDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDrain>());
        services.TryAddSingleton<SiloMeter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PoolGauges>();
        // The status page's charts: the last 15 minutes of this silo, sampled into a ring.
        services.AddSingleton<Series.SojournWindow>();
        services.AddSingleton<Series.SeriesSampler>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Series.SeriesSampler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHandlerSource, SimulateHandlerSource>()); // only where Surge:Workers:Simulate is on
    }

    private static bool IsRegistered(IServiceCollection services) => services.Any(d => d.ServiceType == typeof(SurgeRuntimeRegistered));

    /// <summary>Marks a service collection that has Surge's runtime already.</summary>
    private sealed class SurgeRuntimeRegistered;

    private static ModelPredictor StartPredictor(PredictorOptions options)
    {
        var predictor = new ModelPredictor();
        if (!string.IsNullOrEmpty(options.ModelPath)) predictor.Use(SurgeModel.Load(options.ModelPath));
        return predictor;
    }
}
