using Orleans.Concurrency;
using Surge.Pools;

namespace Surge.Routing;

[StatelessWorker]
internal sealed class ClassifierGrain(TaskRouter router, IGrainFactory grains) : Grain, IClassifierGrain
{
    public async Task<RouteDecision> DispatchAsync(TaskSpec spec, int attempt)
    {
        var decision = router.Route(spec);
        await grains.GetGrain<IPoolGrain>(decision.Pool).EnqueueAsync(spec, decision, attempt);
        return decision;
    }
}
