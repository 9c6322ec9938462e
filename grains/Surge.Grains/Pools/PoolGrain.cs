using Orleans.Concurrency;

namespace Surge.Pools;

/// <summary>
/// The entry to one pool on this silo. Stateless, reentrant and local: the slots, queues and limits it runs under are
/// the silo's <see cref="PoolRunner"/>, shared by every activation, because short work borrows idle long slots.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class PoolGrain(PoolRunner runner, ILocalSiloDetails silo) : Grain, IPoolGrain
{
    public Task EnqueueAsync(PoolBatch batch)
    {
        HereOnly.Check(batch.Silo, silo);
        var kind = (PoolKind)this.GetPrimaryKeyLong();
        // Checked before anything queues: a pool this silo does not run refuses the whole batch, and the shard's
        // records stay dispatched to nobody, which its upkeep notices and dispatches again.
        if (!runner.Runs(kind)) throw new ArgumentException($"pool '{kind.Name()}' does not run on this silo", nameof(batch));
        runner.Enqueue(kind, batch);
        return Task.CompletedTask;
    }
}
