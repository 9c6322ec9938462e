using Orleans.Concurrency;
using Surge.Routing;
using Surge.Workers;

namespace Surge.Pools;

[StatelessWorker]
internal sealed class PoolGrain(WorkerExecutor executor) : Grain, IPoolGrain
{
    public Task EnqueueAsync(TaskSpec spec, RouteDecision decision, int attempt)
    {
        executor.Enqueue(new WorkItem(spec, this.GetPrimaryKeyString(), decision.PredictedMs, attempt));
        return Task.CompletedTask;
    }
}
