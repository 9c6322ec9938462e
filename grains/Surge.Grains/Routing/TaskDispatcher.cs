using Surge.Workers;

namespace Surge.Routing;

/// <summary>
/// Classifies a ready task and queues it in a pool of this silo's executor. A plain service that task shards call
/// in-process: as stateless-worker grains, the classifier and pool hops halved end-to-end throughput (measured:
/// 0.40× → 0.83–0.94× the raw grain-call rate) while adding nothing a method call lacks.
/// </summary>
internal sealed class TaskDispatcher(TaskRouter router, WorkerExecutor executor)
{
    /// <summary>Where the task would go: decided before the dispatch is stored, so the stored record names its pool.</summary>
    public RouteDecision Route(TaskSpec spec) => router.Route(spec);

    public void Enqueue(TaskSpec spec, RouteDecision decision, int attempt)
        => executor.Enqueue(new WorkItem(spec, decision.Pool, decision.PredictedMs, attempt, decision.MemoryMb));

    /// <summary>Whether this silo's executor still holds the task (queued, running or reporting).</summary>
    public bool Holds(string taskId) => executor.IsActive(taskId);

    /// <summary>A draining silo hands back what it is given.</summary>
    public bool IsDraining => executor.IsDraining;

    /// <summary>Cancels the task in this silo's executor; it reports an outcome once its run (or dispatch) has ended.</summary>
    public bool Cancel(string taskId) => executor.Cancel(taskId);
}
