namespace Surge.Pools;

/// <summary>
/// The rules of one silo's task slots, with no threads and no clock (time is passed in): one FIFO queue per pool, a
/// concurrency limit per pool and a cap on the total, the short reserve and the idle slots short work may take, memory admission,
/// the start gate of capped types, cancellation, and drain accounting. Each step appends what to do to a
/// <see cref="PoolDecisions"/>: which items start now (in which pool's slot) and which are reported as never started.
/// Short tasks never wait behind long ones: the short pool's slots are a reserve long work leaves free, sized from the
/// short pool's own bursts when the pools size themselves (<see cref="BurstReserve"/>), and short tasks may also take
/// any idle slot of the silo's total (they give it back within milliseconds; see <see cref="PoolSlots"/>). Long tasks
/// take a reserve the silo sizes only when their backlog outlasts a long run (<see cref="PoolSlots.KeptFrom"/>), and a
/// hand-set reserve never. A reserve the silo sizes also lends an idle slot to one long task at a time whose likely
/// duration is short (or nearly, when it is a guess), while another slot stays idle (see <c>Lend</c>), and long tasks
/// whose likely duration is nearly short start first among long work (<see cref="PoolSlots.StartsFirst"/>). Not
/// thread-safe: its owner locks.
/// </summary>
internal sealed partial class PoolLedger(PoolSlots[] pools, int maxConcurrency, double memoryBudgetMb, IStartGate? gate = null)
{
    public const string CancelledBeforeStart = "cancelled before it started";

    public const string SiloDeclaredDead = "its silo was declared dead before it started; the task runs on a live silo";

    private readonly IStartGate _gate = gate ?? OpenGate.Instance;
    private readonly Dictionary<string, Queue<WorkItem>> _gated = new(StringComparer.Ordinal); // waiting at the gate, by type
    private int _running;
    private double _memoryInUseMb;
    private long _now; // the latest time a step was given: a reserve lends slots to long work by how long it waited

    /// <summary>The pools, in dispatch order: short work first.</summary>
    public IReadOnlyList<PoolSlots> Pools => pools;

    public int MaxConcurrency => maxConcurrency;

    public double MemoryBudgetMb => memoryBudgetMb;

    /// <summary>Predicted memory of every running task.</summary>
    public double MemoryInUseMb => _memoryInUseMb;

    /// <summary>How many tasks have waited for memory: each counts once, however long it waited.</summary>
    public long MemoryDeferrals { get; private set; }

    public bool Runs(PoolKind kind) => Find(kind) is not null;

    /// <summary>Tasks of this type waiting at the gate here.</summary>
    public int WaitingAtGate(string type) => _gated.TryGetValue(type, out var queue) ? queue.Count : 0;

    /// <summary>
    /// Takes a routed item: it starts at once if its pool has a slot (and its gate and memory allow), or queues.
    /// True when its pool has a backlog after this step: the autoscaler wants to know at once.
    /// </summary>
    public bool Enqueue(WorkItem item, long now, PoolDecisions decide)
    {
        if (_drain == DrainMode.HandOver)
        {
            // Its record stays unfinished: the shard's next activation, elsewhere, runs it.
            Track(item);
            HandOver(item, decide);
            return false;
        }
        var pool = Find(item.Pool) ?? throw new ArgumentException($"pool '{item.Pool.Name()}' does not run on this silo; pools: {string.Join(", ", pools.Select(p => p.Kind.Name()))}", nameof(item));
        Track(item);
        _now = Math.Max(_now, now);
        item.EnqueuedAt = now;
        if (!PassOrWait(item, now)) return false; // waits for its type's gate, outside the pool: other types are unaffected
        pool.Queue.Enqueue(item);
        pool.Arrive(item, now);
        Fill(decide);
        return pool.Queue.Count > 0;
    }

    /// <summary>
    /// Sets a pool's limit within its min/max and starts whatever now fits. Returns the limit applied. For a reserve
    /// the silo sizes from its bursts (<see cref="PoolSlots.Reserve"/>) it is the highest the reserve may grow to.
    /// </summary>
    public int SetLimit(PoolKind kind, int limit, PoolDecisions decide)
    {
        // An operator's request (SetConcurrencyAsync) naming a pool another group's silos run: the edge error, named.
        var pool = Find(kind) ?? throw new SurgeValidationException("pool",
            $"'{kind.Name()}' does not run on this silo; its pools: {string.Join(", ", pools.Select(p => p.Kind.Name()))}");
        limit = Math.Clamp(limit, pool.Min, pool.Max);
        if (pool.Reserve is { } reserve)
        {
            reserve.Cap = limit;
            pool.Limit = reserve.Size;
            Fill(decide);
            return limit;
        }
        pool.Limit = limit;
        Fill(decide);
        return pool.Limit;
    }

    /// <summary>A started item's run is over (whatever its outcome): its slot, memory and gate are free again.</summary>
    public void Ended(WorkItem item, PoolSlots pool, double runMs, long now, PoolDecisions decide)
    {
        pool.RunMsTotal += runMs;
        pool.Reserve?.Ran(runMs);
        foreach (var sized in pools) sized.Reserve?.Worked(ReferenceEquals(sized, pool), runMs, now);
        pool.Completed++;
        Release(item, pool, now, decide);
    }

    /// <summary>
    /// A started item that a cancel reached before its handler began: its slot, memory and gate are free again, as at
    /// an end, but it ran for no time, so the pools learn nothing from it.
    /// </summary>
    public void NeverStarted(WorkItem item, PoolSlots pool, long now, PoolDecisions decide) => Release(item, pool, now, decide);

    private void Release(WorkItem item, PoolSlots pool, long now, PoolDecisions decide)
    {
        item.Ended = true;
        _now = Math.Max(_now, now);
        pool.MemoryMb -= item.MemoryMb;
        _memoryInUseMb -= item.MemoryMb;
        var slot = item.Borrowed ? pool.YieldsTo! : pool; // a lent slot goes back to the short reserve
        if (item.Borrowed) slot.Lent--;
        slot.Running--;
        _running--;
        LeaveGate(item, now, decide);
        Fill(decide);
    }

    /// <summary>The gate may let more through (a cap grant came): admits what now passes, and starts what fits.</summary>
    public void Reconsider(long now, PoolDecisions decide)
    {
        _now = Math.Max(_now, now);
        foreach (var type in _gated.Keys) AdmitWaiting(type, now, decide);
        Fill(decide);
    }

    // Starts queued work while slots allow, short pools first. Until nothing more starts: a long start can empty the
    // long queue, and with it free the short pool to take idle slots it had to leave to long work a moment before.
    private void Fill(PoolDecisions decide)
    {
        while (FillOnce(decide)) { }
    }

    private bool FillOnce(PoolDecisions decide)
    {
        var started = false;
        foreach (var pool in pools)
        {
            while (pool.Queue.Count > 0 && pool.MayStart(_running, maxConcurrency, _now))
            {
                // FIFO within a pool, but a long task the point guess calls (nearly) short goes first (PoolSlots.StartsFirst).
                // A head that does not fit memory waits, and what queues behind it waits too.
                var first = pool.FirstQueued > 0 ? pool.Queue.First(pool.StartsFirst) : null;
                if (!FitsMemory(first ?? pool.Queue.Peek())) break;
                var item = first is null ? pool.Queue.Dequeue() : Remove(pool.Queue, first);
                Start(item, pool, slot: pool, decide);
                started = true;
            }
        }
        return Lend(decide) || started;
    }

    // A long-pool task whose point guess is short, or nearly when it is a guess (only its pessimistic guess sent it
    // long; PoolSlots.MayBorrow), takes an idle slot of the short reserve, ahead of its place in the long queue: if the
    // guess is right it waits for milliseconds of its own, not behind seconds of long work, and gives the slot back as
    // fast as a short task would. Only a slot no short task waits for, only PoolSlots.MostLent at once, and only while
    // another slot of the silo stays idle after it: a wrong guess holds its slot for a long run, and a burst that comes
    // meanwhile must still find a slot (when long work has taken the reserve down to one slot, lending that one left
    // bursts none: the trained model's short p99 rose on 16 of 22 simulated workloads with the wider band and no idle
    // slot kept). For everything but its slot the task stays long work: its outcome, the long pool's counts and mean
    // run, its memory.
    private bool Lend(PoolDecisions decide)
    {
        var started = false;
        foreach (var reserve in pools)
        {
            if (reserve.SharesWith is not { LendableQueued: > 0 } longPool) continue;
            while (reserve.Queue.Count == 0 && reserve.Running < reserve.Limit && reserve.Lent < PoolSlots.MostLent && _running + 1 < maxConcurrency
                   && longPool.Queue.FirstOrDefault(longPool.MayBorrow) is { } item && FitsMemory(item))
            {
                item.Borrowed = true;
                reserve.Lent++;
                Start(Remove(longPool.Queue, item), longPool, slot: reserve, decide);
                started = true;
            }
        }
        return started;
    }

    // An item taken from its pool's queue starts in a slot of that pool, or of the reserve that lent it one: its
    // memory and its start count are its pool's either way.
    private void Start(WorkItem item, PoolSlots pool, PoolSlots slot, PoolDecisions decide)
    {
        if (pool.StartsFirst(item)) pool.FirstQueued--;
        if (pool.MayBorrow(item)) pool.LendableQueued--;
        pool.MemoryMb += item.MemoryMb;
        _memoryInUseMb += item.MemoryMb;
        pool.Started++;
        slot.Running++;
        _running++;
        _unsettled++;
        decide.Start.Add((item, pool));
    }

    // Takes one item out of the middle of a queue; O(queue), only for tasks started ahead of their place.
    private static WorkItem Remove(Queue<WorkItem> queue, WorkItem item)
    {
        var count = queue.Count;
        for (var i = 0; i < count; i++)
        {
            var next = queue.Dequeue();
            if (!ReferenceEquals(next, item)) queue.Enqueue(next);
        }
        return item;
    }

    // A task larger than the whole budget still runs, alone: nothing else runs when it starts, nothing starts beside it.
    private bool FitsMemory(WorkItem item)
    {
        if (_running == 0 || _memoryInUseMb + item.MemoryMb <= memoryBudgetMb) return true;
        if (!item.MemoryDeferred)
        {
            item.MemoryDeferred = true;
            MemoryDeferrals++;
        }
        return false;
    }

    // False when the item must wait at the gate (it is then queued there, in arrival order).
    private bool PassOrWait(WorkItem item, long now)
    {
        var type = item.Spec.Type;
        if (!_gate.Gates(type)) return true;
        if (!_gated.TryGetValue(type, out var waiting)) _gated[type] = waiting = new Queue<WorkItem>();
        if (waiting.Count == 0 && _gate.TryEnter(type, now))
        {
            item.HoldsGate = true;
            return true;
        }
        waiting.Enqueue(item);
        return false;
    }

    private void AdmitWaiting(string type, long now, PoolDecisions decide)
    {
        var waiting = _gated[type];
        while (waiting.Count > 0 && _gate.TryEnter(type, now))
        {
            var next = waiting.Dequeue();
            next.HoldsGate = true;
            var pool = Find(next.Pool)!;
            pool.Queue.Enqueue(next);
            pool.Arrive(next, now);
        }
    }

    // The item's gate slot is free again; the next waiting task of its type may take it.
    private void LeaveGate(WorkItem item, long now, PoolDecisions? admitNext)
    {
        if (!item.HoldsGate) return;
        item.HoldsGate = false;
        _gate.Leave(item.Spec.Type);
        if (admitNext is not null) AdmitWaiting(item.Spec.Type, now, admitNext);
    }

    public PoolStats[] Stats(string silo, long now, long timestampFrequency)
        => Array.ConvertAll(pools, p => new PoolStats(silo, p.Kind, p.Queue.Count, p.Running, p.Limit, p.Min, p.Max, p.Started, p.Completed,
            p.Queue.TryPeek(out var oldest) ? (now - oldest.EnqueuedAt) * 1000.0 / timestampFrequency : 0, p.MemoryMb, p.Arrived, p.RunMsTotal,
            p.PredictedArrived, p.PredictedMsTotal, p.SizedBySilo));

    private PoolSlots? Find(PoolKind kind)
    {
        foreach (var pool in pools)
        {
            if (pool.Kind == kind) return pool;
        }
        return null;
    }
}
