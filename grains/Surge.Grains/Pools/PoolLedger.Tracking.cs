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
    /// say), so the item is a late or repeated delivery when the ledger holds the same or a later attempt (or one that
    /// answers for it, <see cref="WorkItem.ReportsAs"/>); and when it holds an earlier one still queued or running, not
    /// cancelled, that earlier one is the late delivery, got here first. An earlier attempt whose run is over and
    /// reports (a retry may overtake its report), that was cancelled, or that was handed back unstarted does not stop it.
    /// </summary>
    public bool WouldRunTwice(WorkItem item)
        => _active.TryGetValue(item.Spec.Id, out var items)
            && items.Exists(i => i.ReportsAs >= item.Attempt || (!i.Cancelled && !i.Ended));

    /// <summary>
    /// Drops an arriving item that <see cref="WouldRunTwice"/>: true when it is not to be taken. When it is a later
    /// attempt than an item held here queued or running (a late delivery that got here first), that item reports as
    /// this attempt from now on (<see cref="WorkItem.ReportsAs"/>): the shard's record waits for the later attempt, and
    /// the dropped dispatch never reports, so a failure reported as the earlier attempt would decide nothing and the
    /// record's upkeep would run the task again as if its silo had died.
    /// </summary>
    public bool DropLate(WorkItem item)
    {
        if (!WouldRunTwice(item)) return false;
        foreach (var held in _active[item.Spec.Id])
        {
            if (!held.Cancelled && !held.Ended && held.ReportsAs < item.Attempt) held.ReportsAs = item.Attempt;
        }
        return true;
    }

    /// <summary>
    /// A cancel request: a queued or gated item of this id leaves at once and is reported never started (it need not
    /// wait for a slot); a starting or running one is marked, and its owner cancels its token. False when none is here.
    /// With <paramref name="dispatch"/> (the attempt of the record that was cancelled), that attempt is barred as a
    /// probe bars it (<see cref="Probe"/>): its batch may still be on its way, and arriving after the cancel it would run.
    /// </summary>
    public bool Cancel(string taskId, long now, PoolDecisions decide, DispatchProbe? dispatch = null)
    {
        _now = Math.Max(_now, now);
        if (dispatch is { Attempt: > 0 } barred) Bar(barred.TaskId, barred.Attempt, barred.SubmittedAt, byCancel: true);
        if (!_active.TryGetValue(taskId, out var items)) return false;
        foreach (var item in items) item.Cancelled = true;
        DropQueued(static i => i.Cancelled, CancelledBeforeStart, now, decide);
        Fill(decide); // a cancelled head may have blocked the queue
        return true;
    }

    /// <summary>
    /// Their shard moved to another silo: the items of these tasks still queued or waiting at the gate leave and are
    /// reported never started, so the shard dispatches them where it now is. Started ones run on here and report to it
    /// there. How many were handed back.
    /// </summary>
    public int HandBack(IReadOnlySet<string> taskIds, long now, PoolDecisions decide)
    {
        _now = Math.Max(_now, now);
        var handedBack = DropQueued(i => taskIds.Contains(i.Spec.Id), ShardMoved, now, decide);
        Fill(decide); // gate slots given back may admit others
        return handedBack;
    }

    // Takes the queued and gated items that leave out of their queues (the rest keep their order) and reports them never
    // started. Gated ones first: a gate slot given back admits the next waiting item of its type, never one leaving.
    private int DropQueued(Func<WorkItem, bool> leaves, string why, long now, PoolDecisions decide)
    {
        var dropped = 0;
        foreach (var queue in _gated.Values.Concat(pools.Select(p => p.Queue)).ToList())
        {
            if (!queue.Any(leaves)) continue;
            var kept = queue.Where(i => !leaves(i)).ToList();
            var leaving = queue.Where(leaves).ToList();
            queue.Clear();
            foreach (var item in kept) queue.Enqueue(item);
            foreach (var pool in pools)
            {
                if (ReferenceEquals(pool.Queue, queue)) (pool.FirstQueued, pool.LendableQueued) = (queue.Count(pool.StartsFirst), queue.Count(pool.MayBorrow));
            }
            foreach (var item in leaving)
            {
                LeaveGate(item, now, decide);
                NotStarted(item, why, decide);
            }
            dropped += leaving.Count;
        }
        return dropped;
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
        item.Ended = true; // it will never run: a later attempt is not its to answer for
        _unsettled++;
        decide.NotStarted.Add((item, why));
    }
}
