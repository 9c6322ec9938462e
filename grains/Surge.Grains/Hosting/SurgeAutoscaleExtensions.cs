using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Surge.Autoscale;
using Surge.Telemetry;

namespace Surge.Hosting;

/// <summary>Registers the autoscaler on a silo; <see cref="SurgeWorkersExtensions.AddSurgeWorkers(ISiloBuilder, Action{SurgeWorkersBuilder})"/> calls it.</summary>
public static class SurgeAutoscaleExtensions
{
    /// <summary>
    /// The autoscaler: <c>Surge:Autoscale</c> options, this silo's signal reports to the autoscale grain, the replica
    /// gauges, and a pod scaler that only logs (the silo host replaces it with Kubernetes'). Safe to call again: a
    /// second call adds nothing.
    /// </summary>
    public static IServiceCollection AddSurgeAutoscale(this IServiceCollection services)
    {
        if (!Registration.First<AutoscaleRegistered>(services)) return services;
        services.TryAddSingleton(TimeProvider.System);
        Registration.AddOptions<AutoscaleOptions>(services, AutoscaleOptions.Section);
        Registration.AddValidator<AutoscaleOptions, AutoscaleOptionsValidator>(services);
        services.AddSingleton<ReplicaReadings>();
        services.AddSingleton<TaskMemoryPeaks>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SignalReporter>();
        services.TryAddSingleton<SiloMeter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ReplicaGauges>();
        services.TryAddSingleton<IPodScaler, NoOpPodScaler>();
        return services;
    }

    /// <inheritdoc cref="AddSurgeAutoscale(IServiceCollection)"/>
    public static ISiloBuilder AddSurgeAutoscale(this ISiloBuilder builder)
    {
        builder.Services.AddSurgeAutoscale();
        return builder;
    }

    private sealed class AutoscaleRegistered;
}
