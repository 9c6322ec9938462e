namespace Surge.Pools;

// Every item the ledger holds, queued, waiting at the gate, starting, running or reporting, by task id: a cancel
// reaches an item wherever it is, and the shard can ask whether a run of its task is still here.
internal sealed partial class PoolLedger
{
    private readonly Dictionary<string, List<WorkItem>> _active = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the ledger still holds the task: queued, running, or reporting its outcome. A record whose run is not
    /// here, while it is unfinished, lost the run (its outcome never reached the record).
    /// </summary>
    public bool IsActive(string taskId) => _active.ContainsKey(taskId);

    /// <summary>
    /// Whether taking the item could run its task twice at once. Every dispatch of a task counts a new attempt, and a
    /// shard dispatches again only what it believes no pool holds (a crash recovery after its batch here timed out,
    /// say), so the item is a late or repeated delivery when the ledger holds the same or a later attempt; and when it
    /// holds an earlier one still queued or running, not cancelled, that earlier one is the late delivery, got here
    /// first. An earlier attempt whose run is over and reports (a retry may overtake its report) or that was cancelled
    /// does not stop it.
    /// </summary>
    public bool WouldRunTwice(WorkItem item)
        => _active.TryGetValue(item.Spec.Id, out var items)
            && items.Exists(i => i.Attempt >= item.Attempt || (!i.Cancelled && !i.Ended));

    /// <summary>
    /// A cancel request: a queued or gated item of this id leaves at once and is reported never started (it need not
    /// wait for a slot); a starting or running one is marked, and its owner cancels its token. False when none is here.
    /// </summary>
    public bool Cancel(string taskId, long now, PoolDecisions decide)
    {
        _now = Math.Max(_now, now);
        if (!_active.TryGetValue(taskId, out var items)) return false;
        foreach (var item in items) item.Cancelled = true;
        foreach (var pool in pools) DropCancelled(pool.Queue, now, decide);
        foreach (var waiting in _gated.Values) DropCancelled(waiting, now, decide);
        Fill(decide); // a cancelled head may have blocked the queue
        return true;
    }

    private void DropCancelled(Queue<WorkItem> queue, long now, PoolDecisions decide)
    {
        if (!queue.Any(i => i.Cancelled)) return;
        var kept = queue.Where(i => !i.Cancelled).ToList();
        var dropped = queue.Where(i => i.Cancelled).ToList();
        queue.Clear();
        foreach (var item in kept) queue.Enqueue(item);
        foreach (var pool in pools)
        {
            if (ReferenceEquals(pool.Queue, queue)) (pool.FirstQueued, pool.LendableQueued) = (queue.Count(pool.StartsFirst), queue.Count(pool.MayBorrow));
        }
        foreach (var item in dropped)
        {
            LeaveGate(item, now, decide);
            NotStarted(item, CancelledBeforeStart, decide);
        }
    }

    // A list, not one item: a task may be here twice for a moment (a re-run beside a slow first run).
    private void Track(WorkItem item)
    {
        if (!_active.TryGetValue(item.Spec.Id, out var items)) _active[item.Spec.Id] = items = new List<WorkItem>(1);
        items.Add(item);
    }

    private void Untrack(WorkItem item)
    {
        if (!_active.TryGetValue(item.Spec.Id, out var items)) return;
        items.Remove(item);
        if (items.Count == 0) _active.Remove(item.Spec.Id);
    }

    // Every dispatch reports exactly one outcome, even one that never started, so the task's record learns that no
    // run of it is left here. Counted like a run, so a drain waits for its report.
    private void NotStarted(WorkItem item, string why, PoolDecisions decide)
    {
        _unsettled++;
        decide.NotStarted.Add((item, why));
    }
}
