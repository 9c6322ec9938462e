using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Surge.Policies;
using Surge.Pools;
using Surge.Prediction;
using Surge.Routing;
using Surge.Telemetry;

namespace Surge.Tasks;

/// <summary>
/// Carries the pools' news to the task's grain, and feeds the predictor what really happened.
/// A finish that cannot be delivered is retried: it is the only thing that makes the task final.
/// </summary>
internal sealed partial class GrainTaskEvents(IGrainFactory grains, IDurationPredictor predictor, HistoryBuffer history,
    IOptions<RoutingOptions> routing, RoutingScore score, ResultCache cache, TaskMemoryPeaks memory, TimeProvider time, ILogger<GrainTaskEvents> logger) : ITaskEvents
{
    private readonly ILogger _logger = logger;

    // Until it lands: an outcome is the only thing that makes its task final, and the shard refuses it only while its
    // store is unreachable. A drain waits for deliveries up to its timeout; past that, the task's record makes another
    // silo run it again. Whatever the fault: nobody cancels a delivery (it runs under CancellationToken.None), so an
    // OperationCanceledException is the runtime giving up a call in flight to a silo that died (Failovers), and the
    // shard takes the outcome once it serves on a survivor. Dropped, the record would say the run is still here, which
    // no longer holds it, and recovery would run the task again as if this silo had crashed.
    private readonly ResiliencePipeline _delivery = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(2),
            ShouldHandle = new PredicateBuilder().Handle<Exception>(),
        })
        .Build();

    public void Started(WorkItem item, DateTimeOffset startedAt)
    {
        try
        {
            _ = grains.ShardLifecycle(item.Spec.Id).OnStartedAsync(item.Spec.Id, new TaskStart(item.Pool, item.PredictedMs, startedAt, item.ReportsAs));
        }
        catch (Exception e)
        {
            LogDeliveryFailed(e, item.Spec.Id, "start");
        }
    }

    public Task Finished(WorkItem item, TaskOutcome outcome)
    {
        if (!outcome.Ran) return DeliverAsync(item.Spec.Id, outcome); // nothing ran: nothing to learn
        var durationMs = (outcome.FinishedAt - outcome.StartedAt).TotalMilliseconds;
        TaskRouter.Observe(predictor, item.Spec, durationMs, outcome.MemoryMb);
        memory.Observe(item.MemoryMb, outcome.MemoryMb); // for the group's memory recommendation
        if (outcome.Succeeded) Measure(item, durationMs);
        // Failures teach nothing about how long the work takes: a crash in 2 ms is not a short task.
        if (outcome.Succeeded) history.Add(TaskRouter.HistoryOf(item.Spec, durationMs, outcome.MemoryMb));
        // Keyed by the version of the handler that ran, here: a result is never cached under a version it was not made by.
        if (outcome.Succeeded && cache.KeyOf(item.Spec) is { } key) outcome = outcome with { CacheKey = key };
        return DeliverAsync(item.Spec.Id, outcome);
    }

    // How good the prediction and the routing were, once the truth is known. The single pool has nothing to get right.
    // model_version: the version that predicts this type now, which is the one that predicted it unless a new model
    // came in while it ran; "none" where routing did not use a prediction (type, oracle).
    private void Measure(WorkItem item, double durationMs)
    {
        var version = predictor.VersionFor(item.Spec.Type);
        if (item.PredictedMs is > 0 and var predicted)
            SurgeMeter.PredictionRatio.Record(durationMs / predicted, new("type", item.Spec.Type), new("model_version", version));
        if (item.Pool is not (PoolKind.Short or PoolKind.Long)) return;
        var belongs = durationMs < routing.Value.ShortThresholdMs ? PoolKind.Short : PoolKind.Long;
        SurgeMeter.Routed.Add(1, new("pool", item.Pool.Name()), new("correct", item.Pool == belongs ? "true" : "false"),
            new("model_version", routing.Value.Mode == RoutingMode.Predicted ? version : "none"));
        score.Record(item.Pool == belongs);
    }

    private async Task DeliverAsync(string taskId, TaskOutcome outcome)
    {
        try
        {
            await _delivery.ExecuteAsync(static (s, _) => new ValueTask(s.grains.ShardLifecycle(s.taskId).OnFinishedAsync(s.taskId, s.outcome)),
                (grains, taskId, outcome), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(e, taskId, "finish");
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Could not deliver the {What} of task {TaskId} to its record")]
    private partial void LogDeliveryFailed(Exception exception, string taskId, string what);
}
