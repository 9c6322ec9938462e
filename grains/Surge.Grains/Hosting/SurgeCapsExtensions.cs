using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Surge.Hosting;

public static class SurgeCapsExtensions
{
    /// <summary>
    /// Cluster-wide caps of task types: their cap grains read each type's <c>MaxRunning</c> and
    /// <c>MaxStartsPerSecond</c> from <c>Surge:Policies</c>. The lease keeper that brings a cap's slots to this silo is
    /// part of the pools (it follows the executor's demand) and is registered with them. Safe to call again.
    /// </summary>
    public static IServiceCollection AddSurgeCaps(this IServiceCollection services)
    {
        if (!Registration.First<CapsRegistered>(services)) return services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSurgePolicies();
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
