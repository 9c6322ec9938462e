using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;

namespace Surge;

/// <summary>
/// Keeps the grains Orleans places by its default strategy (resource-optimized since Orleans 9.2: schedules, flows,
/// waves and their entities, caps, the autoscaler, the trainer, cached results, client sessions) off the silos this
/// silo heard drain (<see cref="DrainingSilos"/>), as <see cref="ShardPlacementDirector"/> keeps the shards: a
/// draining silo is listed active until it stops, and a grain activated there would move again seconds later
/// (deactivated, its state loaded again, its callers' calls forwarded or retried).
/// </summary>
/// <remarks>
/// It wraps the default strategy's own director and hands it only the eligible silos, rather than adding an Orleans
/// placement filter: a filter is named in the cluster manifest, and a silo of the version before it, reading a newer
/// silo's manifest during a rolling upgrade, fails every placement of the filtered types (seen: KeyNotFoundException
/// for the filter's strategy). Nothing here leaves the silo.
/// </remarks>
internal static class DrainAwarePlacement
{
    /// <summary>
    /// Wraps the director registered for the default placement strategy, once. Orleans' services must be in the collection
    /// already (they are when this runs from a silo builder); if they are not, placement stays Orleans' own.
    /// </summary>
    public static void Wrap(IServiceCollection services)
    {
        var strategy = services.LastOrDefault(d => d.ServiceType == typeof(PlacementStrategy) && !d.IsKeyedService) is { } d
            ? d.ImplementationType ?? d.ImplementationInstance?.GetType()
            : null;
        if (strategy is null) return;
        var director = services.LastOrDefault(d => d.ServiceType == typeof(IPlacementDirector) && d.IsKeyedService && Equals(d.ServiceKey, strategy));
        if (director?.KeyedImplementationType is not { } inner) return; // already wrapped (a factory), or not a type we can build
        services.Remove(director);
        services.AddKeyedSingleton<IPlacementDirector>(strategy, (sp, _) => new Director(
            (IPlacementDirector)ActivatorUtilities.CreateInstance(sp, inner), sp.GetRequiredService<DrainingSilos>(), sp.GetRequiredService<IClusterMembershipService>()));
    }

    private sealed class Director(IPlacementDirector inner, DrainingSilos draining, IClusterMembershipService membership) : IPlacementDirector
    {
        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
            => inner.OnAddActivation(strategy, target, draining.None ? context : new EligibleSilos(context, draining, membership)); // most of the time: nothing to wrap
    }

    /// <summary>The placement context less the silos heard draining; all of them when every one drains (a grain must live somewhere).</summary>
    internal sealed class EligibleSilos(IPlacementContext context, DrainingSilos draining, IClusterMembershipService membership) : IPlacementContext
    {
        public SiloAddress LocalSilo => context.LocalSilo;

        public SiloStatus LocalSiloStatus => context.LocalSiloStatus;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => Eligible(context.GetCompatibleSilos(target));

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target)
            => context.GetCompatibleSilosWithVersions(target).ToDictionary(v => v.Key, v => Eligible(v.Value));

        private SiloAddress[] Eligible(SiloAddress[] silos)
        {
            var eligible = draining.Eligible(silos, membership.CurrentSnapshot);
            return eligible as SiloAddress[] ?? [.. eligible];
        }
    }
}
