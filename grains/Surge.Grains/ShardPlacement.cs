using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Surge;

/// <summary>
/// Spreads task shards over the silos by rendezvous hashing: each shard goes to the silo with the highest hash of
/// (shard, silo). Every silo computes the same answer, and a silo joining or leaving moves only its share of shards.
/// A silo that drains is left out of the choice (<see cref="DrainingSilos"/>), as if it had left already.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ShardPlacement : PlacementStrategy
{
    internal static readonly ShardPlacement Instance = new();

    /// <summary>The silo shard <paramref name="shard"/> belongs on; null when there is none.</summary>
    public static SiloAddress? Pick(long shard, IEnumerable<SiloAddress> silos)
    {
        SiloAddress? best = null;
        var bestScore = 0UL;
        foreach (var silo in silos)
        {
            var score = Mix((ulong)shard * 0x9E3779B97F4A7C15UL ^ Fnv(silo.ToParsableString()));
            if (best is null || score > bestScore) (best, bestScore) = (silo, score);
        }
        return best;
    }

    private static ulong Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    // splitmix64's finalizer: neighbouring inputs get unrelated scores.
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

/// <summary>Where a shard (task or entity) belongs now, seen from the silo it is on.</summary>
internal static class ShardHomes
{
    /// <summary>The active silos of <paramref name="membership"/>: those placement chooses among.</summary>
    public static HashSet<SiloAddress> Active(ClusterMembershipSnapshot membership)
        => membership.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();

    /// <summary>
    /// Where placement puts shard <paramref name="shard"/> among <paramref name="active"/>, less the silos heard
    /// draining (as <see cref="ShardPlacementDirector"/> does), when that is not <paramref name="self"/>; null when it is.
    /// </summary>
    public static SiloAddress? Elsewhere(long shard, SiloAddress self, IReadOnlyCollection<SiloAddress> active, DrainingSilos draining, ClusterMembershipSnapshot membership)
        => ShardPlacement.Pick(shard, draining.Eligible(active, membership)) is { } home && !home.Equals(self) ? home : null;

    /// <summary>
    /// Where shard <paramref name="shard"/>, activated on <paramref name="self"/>, belongs instead, because self drains
    /// and placement would choose another silo; null when it stays (self does not drain, or every silo does).
    /// </summary>
    /// <remarks>
    /// Placement leaves a draining silo out, but a call can be addressed there all the same: by a silo whose route to the
    /// shard was stale (Orleans activates what is addressed to it; seen when a task shard had moved on to a silo that was
    /// then killed), or by one that had not heard of the drain. Such a shard serves nothing there: it deactivates before
    /// it claims or loads, and Orleans reroutes the calls of an activation that never became valid, placing them again
    /// from this silo, which leaves itself out. Its OnDeactivateAsync does not run.
    /// </remarks>
    public static SiloAddress? InsteadOfDrainingSilo(long shard, SiloAddress self, DrainingSilos draining, ClusterMembershipSnapshot membership)
        => draining.Drains(self, membership) ? Elsewhere(shard, self, Active(membership), draining, membership) : null;
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class ShardPlacementAttribute() : PlacementAttribute(ShardPlacement.Instance);

// Not on a draining silo unless every silo drains: one placed there moves again when it stops, a second outage for the
// shard (claim, load, callers retrying). The shards' moves pick among the same silos (TaskShardGrain.PreferredSilo).
internal sealed class ShardPlacementDirector(DrainingSilos draining, IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = draining.Eligible(context.GetCompatibleSilos(target), membership.CurrentSnapshot);
        return Task.FromResult(ShardPlacement.Pick(target.GrainIdentity.GetIntegerKey(), silos) ?? context.LocalSilo);
    }
}
