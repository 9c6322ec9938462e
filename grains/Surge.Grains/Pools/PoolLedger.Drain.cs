namespace Surge.Pools;

// Drain accounting: what a stopping silo still owes reports for, and what it handed over.
internal sealed partial class PoolLedger
{
    public const string HandedOver = "handed over by a draining silo before it started";

    /// <summary>Why an item its shard took along to another silo never started here (<see cref="HandBack"/>).</summary>
    public const string ShardMoved = "handed back before it started: its shard moved to another silo, which runs it";

    private enum DrainMode { None, HandOver, Finish }

    private DrainMode _drain;
    private int _unsettled; // started or reported never-started, and not yet settled

    /// <summary>Whether it is draining: a draining silo is not ready for new work.</summary>
    public bool IsDraining => _drain != DrainMode.None;

    /// <summary>Queued work handed back since the drain began.</summary>
    public int HandedOverCount { get; private set; }

    /// <summary>Items dispatched here whose report has not settled yet, queued ones included.</summary>
    public int Unfinished => _unsettled + pools.Sum(p => p.Queue.Count) + _gated.Values.Sum(q => q.Count);

    /// <summary>Nothing left to start or report.</summary>
    public bool IsSettled => Unfinished == 0;

    /// <summary>
    /// Stops taking work. With <paramref name="handOver"/> (cluster mode) queued and later work is reported never
    /// started, because its durable record makes another silo run it; without it (one process) the queue runs to its end.
    /// </summary>
    public void Drain(bool handOver, PoolDecisions decide)
    {
        _drain = handOver ? DrainMode.HandOver : DrainMode.Finish;
        if (!handOver) return;
        foreach (var queue in pools.Select(p => p.Queue).Concat(_gated.Values))
        {
            foreach (var item in queue)
            {
                LeaveGate(item, now: 0, admitNext: null);
                HandOver(item, decide);
            }
            queue.Clear();
        }
        foreach (var pool in pools) (pool.FirstQueued, pool.LendableQueued) = (0, 0);
    }

    /// <summary>The drain stopped waiting: every item still held is given up (<see cref="WorkItem.GivenUp"/>).</summary>
    public void GiveUp()
    {
        foreach (var items in _active.Values)
        {
            foreach (var item in items) item.GivenUp = true;
        }
    }

    /// <summary>
    /// Whether an outcome goes to the task's record. Not a failure of a run the drain gave up on: the silo's stop may
    /// have caused it, and it would count as an attempt of the task; left unreported, recovery runs the task again, as
    /// when the run dies with the process. A cancel request's outcome is the caller's, and a success is done work.
    /// </summary>
    public static bool Reports(WorkItem item, TaskOutcome outcome) => outcome.Succeeded || item.Cancelled || !item.GivenUp;

    /// <summary>An item's report (outcome or never-started) was delivered or given up: it is no longer held here.</summary>
    public void Settle(WorkItem item)
    {
        Untrack(item);
        _unsettled--;
    }

    // The shard learns it never started: the record is un-dispatched, and its next activation, elsewhere, runs it
    // without counting a crash.
    private void HandOver(WorkItem item, PoolDecisions decide)
    {
        HandedOverCount++;
        NotStarted(item, HandedOver, decide);
    }
}
