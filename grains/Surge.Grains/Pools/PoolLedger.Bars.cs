namespace Surge.Pools;

// A shard's question "do you hold this dispatch?" binds the silo it asks. Told "no", the shard takes it that the dispatch
// never arrived, and runs the task again, maybe on another silo. The batch that carried it may still be on its way (a
// silo-to-silo link stalled past the caller's response timeout: Orleans restarts a message's time to live when it is
// received, so time on the wire does not count, and a silo's messages to another take either of the two connections
// between them, so the question can overtake the batch). Taken then, it would run beside its recovery. So once asked,
// the silo takes no dispatch of that attempt of the task, nor of an earlier one: of that record of the task. An id may
// be submitted again once its record is forgotten (purged, or past retention), and the new record counts its attempts
// from 1 again: were the bar of the earlier record its own, its first dispatches here would be dropped as late ones.
internal sealed partial class PoolLedger
{
    /// <summary>
    /// How many bars are kept: the oldest go first. One a task a shard asked about, which only a failed batch to this
    /// silo leads to; at about 100 bytes each, at most some 10 MB. A bar outlives any batch still on its way in
    /// practice: 100,000 later bars take far longer to come than a stalled connection takes to be reset.
    /// </summary>
    internal const int MaxBars = 100_000;

    public const string BarredDispatch = "arrived after this silo told its shard it did not hold it; the shard has run it again since";

    // task id → the highest attempt barred, when the record it was asked of was submitted (null: by an older shard), and
    // whether a cancel barred it (the record is final: nothing ran it again, and a late batch is no anomaly)
    private readonly Dictionary<string, (DateTimeOffset? Of, int Attempt, bool ByCancel)> _barred = new(StringComparer.Ordinal);
    private readonly Queue<string> _barOrder = new(); // the barred tasks, oldest bar first

    /// <summary>
    /// Whether this silo holds attempt <paramref name="attempt"/> of the task: an item queued, running or reporting
    /// that is that attempt or a later one, or answers for it (<see cref="WorkItem.ReportsAs"/>; an earlier attempt
    /// still queued or running here answers for it from now on, as when that attempt arrives while it is here, see
    /// <see cref="DropLate"/>). Either way, that attempt and every earlier one are barred from now on
    /// (<see cref="DropBarred"/>): what is not here has been given up by the shard, and what is here is not taken twice.
    /// Attempt 0 (a record the shard no longer has) bars nothing. <paramref name="submittedAt"/>: when that record was
    /// submitted; a bar holds for that record only.
    /// </summary>
    public bool Probe(string taskId, int attempt, DateTimeOffset? submittedAt = null)
    {
        var held = false;
        if (_active.TryGetValue(taskId, out var items))
        {
            foreach (var item in items)
            {
                if (!item.Cancelled && !item.Ended && item.ReportsAs < attempt) item.ReportsAs = attempt;
                held |= item.ReportsAs >= attempt;
            }
        }
        if (attempt > 0) Bar(taskId, attempt, submittedAt);
        return held;
    }

    // A question about another record of the task (its id submitted again since) replaces the bar of the one before.
    private void Bar(string taskId, int attempt, DateTimeOffset? of, bool byCancel = false)
    {
        if (_barred.TryGetValue(taskId, out var barred))
        {
            if (barred.Of != of || attempt > barred.Attempt) _barred[taskId] = (of, attempt, byCancel);
            else if (byCancel && !barred.ByCancel) _barred[taskId] = barred with { ByCancel = true };
            return;
        }
        _barred[taskId] = (of, attempt, byCancel);
        _barOrder.Enqueue(taskId);
        while (_barred.Count > MaxBars) _barred.Remove(_barOrder.Dequeue());
    }

    /// <summary>
    /// Drops an arriving item whose attempt of its record is barred (<see cref="Probe"/>) and that nothing here answers for (the
    /// runner asks <see cref="DropLate"/> first): true when it is not to be taken. It never runs, and is reported never
    /// started, as any dispatch that does not run is: its record has moved on to a later attempt, which the report does
    /// not match, or, if the report gets there first, takes it as handed back and dispatches it again uncounted.
    /// </summary>
    public bool DropBarred(WorkItem item, PoolDecisions decide)
    {
        if (!_barred.TryGetValue(item.Spec.Id, out var barred) || barred.Of != item.SubmittedAt || item.Attempt > barred.Attempt) return false;
        NotStarted(item, barred.ByCancel ? CancelledBeforeStart : BarredDispatch, decide);
        return true;
    }

    /// <summary>Whether the bar that dropped the task's dispatch was set by a cancel (<see cref="Cancel"/>), not a probe.</summary>
    public bool BarredByCancel(string taskId) => _barred.TryGetValue(taskId, out var barred) && barred.ByCancel;

    /// <summary>Attempts barred now, by task: for tests.</summary>
    internal int BarredAttempt(string taskId) => _barred.GetValueOrDefault(taskId).Attempt;
}
