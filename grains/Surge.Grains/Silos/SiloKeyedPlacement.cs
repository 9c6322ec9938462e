using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Surge.Silos;

/// <summary>
/// Places a grain on the silo its key names (<see cref="SiloAddress.ToParsableString"/>), so a per-silo control
/// surface is addressable from anywhere. A key naming a silo that is gone falls back to the local silo.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SiloKeyedPlacement : PlacementStrategy
{
    internal static readonly SiloKeyedPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SiloKeyedPlacementAttribute() : PlacementAttribute(SiloKeyedPlacement.Instance);

internal sealed class SiloKeyedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var wanted = SiloAddress.FromParsableString(key);
        var compatible = context.GetCompatibleSilos(target);
        return Task.FromResult(Array.IndexOf(compatible, wanted) >= 0 ? wanted : context.LocalSilo);
    }
}
