using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Surge.Caps;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Hosting;

/// <summary>Registers cluster-wide caps of task types on a silo; <see cref="SurgeWorkersExtensions.AddSurgeWorkers(ISiloBuilder, Action{SurgeWorkersBuilder})"/> calls it.</summary>
public static class SurgeCapsExtensions
{
    /// <summary>
    /// Cluster-wide caps of task types (<c>MaxRunning</c>, <c>MaxStartsPerSecond</c> in <c>Surge:Policies</c>): the
    /// pools' start gate, and the lease keeper that keeps this silo's share of each cap in step with its demand. The
    /// pools run without it, ungated. Safe to call again: a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddSurgeCaps(this IServiceCollection services)
    {
        if (!Registration.First<CapsRegistered>(services)) return services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSurgePolicies();
        services.AddSingleton<CapGate>();
        services.RemoveAll<IStartGate>();
        services.AddSingleton<IStartGate>(sp => sp.GetRequiredService<CapGate>());
        services.TryAddSingleton<SiloMeter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, CapLeaseKeeper>();
        return services;
    }

    /// <inheritdoc cref="AddSurgeCaps(IServiceCollection)"/>
    public static ISiloBuilder AddSurgeCaps(this ISiloBuilder builder)
    {
        builder.Services.AddSurgeCaps();
        return builder;
    }

    private sealed class CapsRegistered;
}
