using Orleans.Concurrency;
using Surge.Pools;
using Surge.Routing;

namespace Surge.Silos;

/// <summary>The grain behind <see cref="IPoolInbox"/>: on the silo its key names, and only there.</summary>
[SiloKeyedPlacement]
[Reentrant]
internal sealed class PoolInboxGrain(Classifier classifier, PoolRunner runner, ILocalSiloDetails silo) : Grain, IPoolInbox
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement falls back to the caller's silo when the named one is gone: never take work meant for another silo.
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
            throw new SiloUnavailableException($"silo {this.GetPrimaryKeyString()} is not in this silo's view of the cluster; this is {silo.SiloAddress.ToParsableString()}");
        return Task.CompletedTask;
    }

    public Task EnqueueAsync(DispatchBatch batch)
    {
        var split = classifier.Split(batch).ToList();
        // All or nothing: a shard counts a failed batch as not delivered and dispatches it again.
        foreach (var (pool, _) in split)
        {
            if (!runner.Runs(pool)) throw new ArgumentException($"pool '{pool.Name()}' does not run on this silo", nameof(batch));
        }
        foreach (var (pool, work) in split) runner.Enqueue(pool, work);
        return Task.CompletedTask;
    }
}
