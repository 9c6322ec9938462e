using Orleans.Concurrency;
using Surge.Pools;

namespace Surge.Routing;

/// <summary>The classifier of a silo: stateless and reentrant, so it never queues a shard behind another shard's batch.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class ClassifierGrain(Classifier classifier, ILocalSiloDetails silo) : Grain, IClassifierGrain
{
    public Task DispatchAsync(DispatchBatch batch)
    {
        HereOnly.Check(batch.Silo, silo);
        var calls = new List<Task>(2);
        foreach (var (pool, work) in classifier.Split(batch))
            calls.Add(GrainFactory.GetGrain<IPoolGrain>((long)pool).EnqueueAsync(work with { Silo = batch.Silo }));
        return calls.Count == 1 ? calls[0] : Task.WhenAll(calls);
    }
}
