using Surge.Workers;

namespace Surge.Routing;

/// <summary>
/// Classifies a ready task and queues it in a pool of this silo's executor. A plain service that task shards and
/// entity grains call in-process: as stateless-worker grains, the classifier and pool hops halved end-to-end
/// throughput (measured: 0.40× → 0.83–0.94× the raw grain-call rate) while adding nothing a method call lacks.
/// </summary>
internal sealed class TaskDispatcher(TaskRouter router, WorkerExecutor executor)
{
    public RouteDecision Dispatch(TaskSpec spec, int attempt)
    {
        var decision = router.Route(spec);
        executor.Enqueue(new WorkItem(spec, decision.Pool, decision.PredictedMs, attempt, decision.MemoryMb));
        return decision;
    }

    /// <summary>Whether this silo's executor still holds the task (queued, running or reporting).</summary>
    public bool Holds(string taskId) => executor.IsActive(taskId);
}
