using Surge.Pools;

namespace Surge.Routing;

/// <summary>
/// Splits a batch of ready tasks by the pool <see cref="TaskRouter"/> picks for each, keeping their order within a pool.
/// A task its shard already routed (to find a silo that hosts its pool) keeps that pool.
/// </summary>
internal sealed class Classifier(TaskRouter router)
{
    public IEnumerable<(PoolKind Pool, PoolBatch Batch)> Split(DispatchBatch batch)
    {
        // Most batches go to one pool: no dictionary for them.
        PoolKind? only = null;
        var routed = new (PoolKind Pool, PoolWork Work)[batch.Items.Length];
        var mixed = false;
        for (var i = 0; i < routed.Length; i++)
        {
            var item = batch.Items[i];
            var decision = item.Pool is { } chosen ? new RouteDecision(chosen, item.PredictedMs, item.MemoryMb) : router.Route(item.Spec);
            routed[i] = (decision.Pool, new PoolWork(item.Spec, item.Attempt, decision.PredictedMs, decision.MemoryMb, item.TraceParent, decision.UpperMs, item.SubmittedAt));
            mixed |= only is { } o && o != decision.Pool;
            only ??= decision.Pool;
        }
        if (!mixed) return only is { } pool ? [(pool, new PoolBatch(Array.ConvertAll(routed, r => r.Work)))] : [];
        return routed.GroupBy(r => r.Pool).Select(g => (g.Key, new PoolBatch(g.Select(r => r.Work).ToArray())));
    }
}
