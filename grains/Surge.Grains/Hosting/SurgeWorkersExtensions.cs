using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Surge.Autoscale;
using Surge.Autoscale.Kubernetes;
using Surge.Caps;
using Surge.Entities;
using Surge.Pools;
using Surge.Policies;
using Surge.Prediction;
using Surge.Programs;
using Surge.Prediction.Models;
using Surge.Routing;
using Surge.Schedules;
using Surge.Silos;
using Surge.Tasks;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Hosting;

public static class SurgeWorkersExtensions
{
    /// <summary>
    /// Runs Surge's grains, pools and the built-in <c>simulate</c> handler on this silo, with options bound from
    /// <c>Surge:*</c> configuration and validated at start-up. The grain storages named <see cref="SurgeStorage.Name"/>,
    /// <see cref="SurgeStorage.Cache"/> and <see cref="SurgeStorage.Entities"/> must be configured by the host (memory on embedded defaults, Redis in cluster mode); task records go to the
    /// in-memory task store unless the host registers another <c>ITaskStore</c> first.
    /// </summary>
    public static ISiloBuilder AddSurgeWorkers(this ISiloBuilder builder, Action<SurgeWorkersBuilder>? configure = null)
    {
        var first = !IsRegistered(builder.Services);
        builder.Services.AddSurgeWorkers(configure);
        if (!first) return builder;
        builder.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        builder.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
        return builder;
    }

    /// <summary>
    /// Safe to call again (AddSurgeSilo calls it, and a host adding its handlers may too): the runtime is registered
    /// once, and a later call only adds what its <paramref name="configure"/> adds (handlers, policies, programs).
    /// </summary>
    public static IServiceCollection AddSurgeWorkers(this IServiceCollection services, Action<SurgeWorkersBuilder>? configure = null)
    {
        if (IsRegistered(services))
        {
            configure?.Invoke(new SurgeWorkersBuilder(services));
            return services;
        }
        services.AddSingleton<SurgeRuntimeRegistered>();
        services.TryAddSingleton(TimeProvider.System);
        AddOptions<WorkerOptions>(services, WorkerOptions.Section);
        AddOptions<PoolsOptions>(services, PoolsOptions.Section);
        AddOptions<RoutingOptions>(services, RoutingOptions.Section);
        AddOptions<EntityOptions>(services, EntityOptions.Section);
        AddOptions<TaskOptions>(services, TaskOptions.Section);
        AddOptions<PredictorOptions>(services, PredictorOptions.Section);
        AddOptions<AutoscaleOptions>(services, AutoscaleOptions.Section);
        AddOptions<DrainOptions>(services, DrainOptions.Section);
        AddOptions<TaskPoliciesOptions>(services, TaskPoliciesOptions.Section);
        services.AddOptions<ProgramsOptions>().Configure<Microsoft.Extensions.Configuration.IConfiguration>(
            (o, c) => Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(c.GetSection(ProgramsOptions.Section), o.Types)).ValidateOnStart();
        services.AddOptions<SchedulesOptions>().Configure<Microsoft.Extensions.Configuration.IConfiguration>(
            (o, c) => Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(c.GetSection(SchedulesOptions.Section), o.Entries)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddSingleton<IValidateOptions<PoolsOptions>, PoolsOptionsValidator>();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.AddSingleton<IValidateOptions<EntityOptions>, EntityOptionsValidator>();
        services.AddSingleton<IValidateOptions<TaskOptions>, TaskOptionsValidator>();
        services.AddSingleton<IValidateOptions<PredictorOptions>, PredictorOptionsValidator>();
        services.AddSingleton<IValidateOptions<AutoscaleOptions>, AutoscaleOptionsValidator>();
        services.AddSingleton<IValidateOptions<DrainOptions>, DrainOptionsValidator>();
        services.AddSingleton<IValidateOptions<TaskPoliciesOptions>, TaskPoliciesOptionsValidator>();
        services.AddSingleton<IValidateOptions<SchedulesOptions>, SchedulesOptionsValidator>();
        services.AddSingleton<IValidateOptions<ProgramsOptions>, ProgramsOptionsValidator>();

        services.TryAddSingleton(sp => StartPredictor(sp.GetRequiredService<IOptions<PredictorOptions>>().Value));
        services.TryAddSingleton<IDurationPredictor>(sp => sp.GetRequiredService<ModelPredictor>());
        services.TryAddSingleton<ITaskStore, InMemoryTaskStore>();
        services.TryAddSingleton(new RecoveryOptions());
        services.AddSingleton<TaskRouter>();
        services.AddSingleton<ResultCache>();
        services.AddSingleton<HandlerRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHandlerSource, ProgramHandlers>());
        services.AddSingleton<ITaskEvents, GrainTaskEvents>();
        services.TryAddSingleton<IRunLog>(sp => sp.GetRequiredService<IOptions<WorkerOptions>>().Value.RunLog is { } dir ? new FileRunLog(dir) : NoRunLog.Instance);
        services.AddSingleton(sp => new PoolShape(sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Mode));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TaskOptions>>().Value is var t ? new RunBounds(t.MaxTimeout, t.MaxResultBytes, TaskOptions.Section) : null!);
        services.AddSingleton<CapGate>();
        services.AddSingleton<IStartGate>(sp => sp.GetRequiredService<CapGate>());
        services.AddSingleton<PoolRunner>();
        services.AddSingleton<Classifier>();
        services.AddSingleton<TaskDispatchPath>();
        services.AddOptions<PredictorOptions>().PostConfigure<IOptions<RoutingOptions>>((p, r) => p.ScoringThresholdMs = r.Value.ShortThresholdMs);
        services.AddSingleton<DrainSignal>();
        services.AddSingleton<ReplicaReadings>();
        services.AddSingleton<RoutingScore>();
        services.AddSingleton(sp => new HistoryBuffer(sp.GetRequiredService<IOptions<PredictorOptions>>().Value.HistoryCapacity));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ModelSync>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SignalReporter>();
        services.AddSingleton<SiloDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDrain>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PoolGauges>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ReplicaGauges>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ConfiguredSchedules>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, CapLeaseKeeper>();
        services.TryAddSingleton(PodScalerFactory.Create);

        var workers = new SurgeWorkersBuilder(services).AddHandler<SimulateHandler>(SimulateHandler.TypeName);
        configure?.Invoke(workers);
        return services;
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

    private static void AddOptions<T>(IServiceCollection services, string section) where T : class
        => services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
}
