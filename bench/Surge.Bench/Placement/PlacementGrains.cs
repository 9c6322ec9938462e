using Orleans.Concurrency;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using Surge.Silos;

namespace Surge.Bench.Placement;

// The two ways to send a pool's work to a silo of a matching group, side by side on no-op grains, so the measurement
// sees only placement and the call. Each returns the silo it ran on: that is what a shard's record must name.

/// <summary>Orleans' way: a stateless worker keyed by pool, placed per call on a silo a placement filter allows.</summary>
public interface IFilteredPoolWorker : IGrainWithStringKey
{
    Task<string> EnqueueAsync(int work);
}

/// <summary>Surge's way: an inbox keyed and placed by silo address; the caller chose the silo from silo metadata.</summary>
public interface ISiloInbox : IGrainWithStringKey
{
    Task<string> EnqueueAsync(int work);
}

[StatelessWorker]
[PoolHostFilter]
internal sealed class FilteredPoolWorkerGrain(ILocalSiloDetails silo) : Grain, IFilteredPoolWorker
{
    public Task<string> EnqueueAsync(int work) => Task.FromResult(silo.SiloAddress.ToParsableString());
}

[SiloKeyedPlacement] // the product's own director, as pool inboxes are placed
[Reentrant]
internal sealed class SiloInboxGrain(ILocalSiloDetails silo) : Grain, ISiloInbox
{
    public Task<string> EnqueueAsync(int work) => Task.FromResult(silo.SiloAddress.ToParsableString());
}

/// <summary>Keeps the silos whose <c>surge.pools</c> metadata lists the pool the grain's key names (the built-in filters match the caller's own values, not a key's).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class PoolHostFilterAttribute() : PlacementFilterAttribute(new PoolHostFilterStrategy());

public sealed class PoolHostFilterStrategy() : PlacementFilterStrategy(0);

internal sealed class PoolHostFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var pool = target.GrainIdentity.Key.ToString();
        return silos.Where(s => PlacementExperiment.Hosts(metadata.GetSiloMetadata(s).Metadata, pool));
    }
}

