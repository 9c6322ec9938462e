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
