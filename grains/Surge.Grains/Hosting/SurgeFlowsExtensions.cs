using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Surge.Flows;
using Surge.Telemetry;

namespace Surge.Hosting;

/// <summary>Registers flows, states and waves on a silo; <see cref="SurgeWorkersExtensions.AddSurgeWorkers(ISiloBuilder, Action{SurgeWorkersBuilder})"/> calls it.</summary>
public static class SurgeFlowsExtensions
{
    /// <summary>
    /// Flows, states and waves: pipes in the <see cref="SurgeStorage.Pipes"/> grain storage unless the host put them
    /// elsewhere (cluster mode: Redis), waves in <see cref="SurgeStorage.Waves"/>, and the keeper that wakes open waves
    /// when a silo dies. Safe to call again.
    /// </summary>
    public static IServiceCollection AddSurgeFlows(this IServiceCollection services)
    {
        if (!Registration.First<FlowsRegistered>(services)) return services;
        services.TryAddSingleton<IPipeStore, GrainStoragePipeStore>();
        services.TryAddSingleton<SiloMeter>();
        services.TryAddSingleton<WaveGauges>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WaveKeeper>();
        return services;
    }

    /// <inheritdoc cref="AddSurgeFlows(IServiceCollection)"/>
    public static ISiloBuilder AddSurgeFlows(this ISiloBuilder builder)
    {
        builder.Services.AddSurgeFlows();
        return builder;
    }

    private sealed class FlowsRegistered;
}
