using Surge.Tasks;

namespace Surge.Workers;

// Every dispatch reports exactly one outcome, even one cancelled before it started, so the task's record learns that
// no run of it is left here. A drain that hands work over is the exception: those records make another silo run it.
internal sealed partial class WorkerExecutor
{
    private const string CancelledBeforeStart = "cancelled before it started";
    private const string HandedOver = "handed over by a draining silo before it started";

    // Under _lock, with the item already out of its queue. Reports off the lock, counted like a run so a drain waits for it.
    private void ReportNotStartedLocked(WorkItem item, string why = CancelledBeforeStart)
    {
        _unsettled++;
        ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Executor.ReportNotStartedAsync(s.Item, s.Why), (Executor: this, Item: item, Why: why), preferLocal: false);
    }

    private async Task ReportNotStartedAsync(WorkItem item, string why)
    {
        try
        {
            var outcome = TaskOutcome.NotStarted(why, item.Pool, item.PredictedMs, _time.GetUtcNow(), item.Attempt);
            await _events.Finished(item, outcome).ConfigureAwait(false);
        }
        finally
        {
            Settle(item);
        }
    }
}
