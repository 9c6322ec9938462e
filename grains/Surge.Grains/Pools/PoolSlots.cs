namespace Surge.Pools;

/// <summary>
/// One pool's queue and slot counts inside <see cref="PoolLedger"/>. Not thread-safe: the ledger's owner guards it.
/// </summary>
/// <remarks>
/// Two pools share a silo's slots this way: the short pool's <see cref="Limit"/> is a reserve that the long pool
/// leaves free (<see cref="YieldsTo"/>), and short work may also take any idle slot of the silo's total, except that
/// while long work waits it keeps to what the long pool's limit leaves (<see cref="SharesWith"/>). Short tasks give
/// slots back within milliseconds; long ones would hold them for seconds, so long work does not take the reserve while
/// it can wait for its own slots: only a backlog that outlasts a long run takes part of a reserve the silo sizes
/// itself (<see cref="KeptFrom"/>).
/// </remarks>
internal sealed class PoolSlots(PoolKind kind, int min, int max, int limit)
{
    public PoolKind Kind { get; } = kind;
    public int Min { get; } = min;
    public int Max { get; } = max;
    public int Limit { get; set; } = limit;
    public Queue<WorkItem> Queue { get; } = new();

    /// <summary>The pool whose reserve (its limit, or what it runs when more) this one leaves free: the long pool's short pool.</summary>
    public PoolSlots? YieldsTo { get; set; }

    /// <summary>The pool whose idle slots this one may take: the short pool's long pool.</summary>
    public PoolSlots? SharesWith { get; init; }

    /// <summary>Sizes <see cref="Limit"/> from this pool's own arrivals, at once; null when the limit is set from outside.</summary>
    public BurstReserve? Reserve { get; init; }

    /// <summary>Its limit is this silo's own (a reserve from its bursts, or a share of what that leaves), not the autoscaler's.</summary>
    public bool SizedBySilo { get; init; }

    /// <summary>
    /// Long pool only: a queued task whose point guess (<see cref="WorkItem.PredictedMs"/>) is under this many ms
    /// starts first among long work, ahead of its place in the FIFO (<see cref="FirstBelowThresholds"/>); null: FIFO only.
    /// </summary>
    public double? FirstBelowMs { get; init; }

    /// <summary>
    /// Long pool only: a queued task whose point guess is under this many ms (the router's short threshold) may also
    /// take an idle slot of the short reserve (<see cref="MostLent"/>); null: none may.
    /// </summary>
    public double? LendBelowMs { get; init; }

    /// <summary>
    /// Long pool only: a queued task whose duration is a guess (<see cref="WorkItem.IsGuess"/>) with a point guess under
    /// this many ms both starts first and may borrow a reserve slot (<see cref="GuessBelowThresholds"/>), beyond
    /// <see cref="FirstBelowMs"/> and <see cref="LendBelowMs"/>; null: only those apply.
    /// </summary>
    public double? GuessBelowMs { get; init; }

    /// <summary>Queued tasks of this pool that <see cref="StartsFirst"/>: when none, the ledger need not look.</summary>
    public int FirstQueued { get; set; }

    /// <summary>Queued tasks of this pool that <see cref="MayBorrow"/>: when none, the reserve need not look (a deep queue would cost a scan per step).</summary>
    public int LendableQueued { get; set; }

    /// <summary>Short pool only: its reserve's slots held now by long-pool tasks (<see cref="WorkItem.Borrowed"/>).</summary>
    public int Lent { get; set; }

    public bool StartsFirst(WorkItem item) => (FirstBelowMs is { } below && item.PredictedMs < below) || NearlyShortGuess(item);

    public bool MayBorrow(WorkItem item) => (LendBelowMs is { } below && item.PredictedMs < below) || NearlyShortGuess(item);

    private bool NearlyShortGuess(WorkItem item) => GuessBelowMs is { } below && item.IsGuess && item.PredictedMs < below;

    /// <summary>Tasks running in this pool's slots: for the short pool, with the long-pool tasks its reserve lent one (<see cref="Lent"/>).</summary>
    public int Running { get; set; }

    /// <summary>Predicted memory of this pool's running tasks.</summary>
    public double MemoryMb { get; set; }

    public long Arrived { get; set; }
    public long PredictedArrived { get; set; }
    public double PredictedMsTotal { get; set; }
    public long Started { get; set; }
    public double RunMsTotal { get; set; }
    public long Completed { get; set; }

    /// <summary>Counts an item entering the queue, and its predicted duration (if any) for the autoscaler's mean.</summary>
    public void Arrive(WorkItem item, long now)
    {
        Arrived++;
        if (StartsFirst(item)) FirstQueued++;
        if (MayBorrow(item)) LendableQueued++;
        if (item.PredictedMs is > 0 and var predicted)
        {
            PredictedArrived++;
            PredictedMsTotal += predicted;
        }
        if (Reserve is null) return;
        Reserve.Arrived(now, item.PredictedMs);
        Limit = Reserve.Size;
    }

    /// <summary>
    /// How long, in mean long runs, the oldest long task waits before a reserve the silo sizes lends long work all but
    /// its Min. Half a run: <c>bench mixed --sweep --simulate</c> on worlds 1, 2, 3, 6, 7 kept long p99 within 1.05×
    /// single's on all five with it, against 1.07–1.08× on two with a whole run (and short p99 within 1.05× the best
    /// split's with oracle routing on all five either way).
    /// </summary>
    public const double LendAfterRuns = 0.5;

    /// <summary>
    /// <see cref="FirstBelowMs"/> in short thresholds. A long-pool task whose point guess is within 1.5 thresholds was
    /// short about one time in four in the worlds measured (the router sent it long because its pessimistic guess was
    /// not short), and when it is, FIFO makes it wait behind seconds of long work; when it is not, it still ran under a
    /// few hundred ms, which is what starting it first costs the long tasks it passes. <c>bench mixed --sweep --simulate</c>
    /// on 11 workloads of worlds 1-4, 6, 7 (with 1 task lent at once): 1.25 brought the trained model's short p99 down
    /// on 8 of them, changed the oracle line's by -11% to +5%, and left long p99 and makespan where they were; 1.5 cost
    /// the oracle line up to 10%, and 2 brought one world's long p99 to 1.044x single's.
    /// </summary>
    public const double FirstBelowThresholds = 1.25;

    /// <summary>
    /// <see cref="GuessBelowMs"/> in short thresholds. A long-routed task whose likely duration is a guess within 1.5
    /// thresholds may well be short (its cautious guess only sent it long); in a queue behind long work that costs it
    /// hundreds of ms, while a wrong guess that borrows a reserve slot holds it for a run of some 50-200 ms. Known
    /// durations (oracle routing) keep <see cref="FirstBelowThresholds"/> and <see cref="MostLent"/>'s threshold, so the
    /// oracle line is unchanged. <c>bench mixed --sweep --simulate</c> on 22 workloads of worlds 1-8 (seeds 1, 5, 9, 13,
    /// 21), with <see cref="PoolLedger"/> lending only while another slot stays idle: the trained model's short p99
    /// fell on 15 (by up to 24%) and rose on 5 (by 1-7%), geometric mean 0.94x, long p99 and makespan unchanged. 1.25
    /// or 1.75 for borrowing, or for starting first, rose on more workloads or by more; 2 for starting first cost the
    /// default world 14%.
    /// </summary>
    public const double GuessBelowThresholds = 1.5;

    /// <summary>
    /// How many long-pool tasks the short reserve lends slots to at once. One: a guess that was wrong holds its slot for
    /// a long run, which the reserve's bursts then do without; lending only under the threshold (not 1.5 or 2
    /// thresholds) for the same reason: at 1.5 the oracle line's short p99 rose 38% on the default world, from the
    /// reserve slots held by 50-75 ms tasks when bursts came.
    /// </summary>
    public const int MostLent = 1;

    /// <summary>Mean run time of this pool's ended tasks, in ms; 0 before any ended.</summary>
    public double MeanRunMs => Completed > 0 ? RunMsTotal / Completed : 0;

    /// <summary>
    /// Whether one more of this pool's tasks may start, with <paramref name="running"/> of <paramref name="total"/>
    /// slots in use, at <paramref name="now"/> (<see cref="TimeProvider.GetTimestamp"/> ticks).
    /// </summary>
    public bool MayStart(int running, int total, long now)
    {
        if (running >= total) return false;
        // Long work leaves the reserve free, except for its own Min: it always makes progress, even on a silo of one slot.
        if (YieldsTo is { } reserved) return Running < Limit && (Running < Min || Running + Math.Max(reserved.KeptFrom(this, total, now), reserved.Running) < total);
        if (Running < Limit) return true;
        // Beyond its own limit: any idle slot, unless the other pool has work waiting for the slots its limit gives it.
        return SharesWith is { } other && (other.Queue.Count == 0 || Running < total - other.Limit);
    }

    /// <summary>
    /// The slots this reserve keeps from the long pool's waiting work: all of it while that work can wait for long
    /// work's own slots. Its <see cref="BurstReserve.Headroom"/> once more long tasks wait than long work has slots beside
    /// the reserve: such a backlog outlasts one long run (each slot has more than one task to run), so the headroom,
    /// idle, would cost long work for the whole backlog, while lent it costs short bursts one slot for one run. All but
    /// the pool's Min once the oldest waiting long task has waited <see cref="LendAfterRuns"/> of a mean long run: long
    /// work is then paying for the reserve with its own latency, which a short task that finds the reserve busy pays in
    /// milliseconds (short tasks give slots back that fast; they may also take any idle slot), and short tasks routed
    /// long by a cautious guess wait in that queue too. A drained backlog gives the reserve back as its runs end. A
    /// hand-set reserve (no <see cref="Reserve"/>) is kept whole.
    /// </summary>
    public int KeptFrom(PoolSlots waiting, int total, long now)
    {
        if (Reserve is not { } reserve || !waiting.Queue.TryPeek(out var oldest)) return Limit;
        if (waiting.MeanRunMs > 0 && (now - oldest.EnqueuedAt) / reserve.TicksPerMs >= LendAfterRuns * waiting.MeanRunMs) return Math.Min(Limit, Min);
        return waiting.Queue.Count > total - Limit ? Math.Min(Limit, reserve.Lean) : Limit;
    }
}
