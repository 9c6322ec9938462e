namespace Surge.Pools;

/// <summary>A routed task waiting in, or running from, a pool of this silo. Its mutable parts belong to <see cref="PoolLedger"/>.</summary>
internal sealed class WorkItem(TaskSpec spec, PoolKind pool, double? predictedMs, int attempt = 1, double memoryMb = 0, string? traceParent = null, double? upperMs = null,
    DateTimeOffset? submittedAt = null)
{
    public TaskSpec Spec { get; } = spec;
    public PoolKind Pool { get; } = pool;
    public double? PredictedMs { get; } = predictedMs;

    /// <summary>
    /// The router's cautious guess of its duration (the one that routed it); null when not known here. Equal to
    /// <see cref="PredictedMs"/> when the duration was known rather than guessed (oracle routing).
    /// </summary>
    public double? UpperMs { get; } = upperMs;

    /// <summary>
    /// Its duration is a guess that may be wrong: the cautious guess is over the likely one. A long-routed guess whose
    /// likely duration is near the short threshold may well be short (<see cref="PoolSlots.GuessBelowMs"/>).
    /// </summary>
    public bool IsGuess => UpperMs > PredictedMs;
    public int Attempt { get; } = attempt;

    /// <summary>When its record was submitted: which record of the task this is, as an id may be submitted again once
    /// its record is forgotten, and attempts count from 1 again (null: a dispatch of an older shard).</summary>
    public DateTimeOffset? SubmittedAt { get; } = submittedAt;

    /// <summary>
    /// The attempt its report (start and outcome) speaks for: its own, or a later dispatch of its task that arrived
    /// while it was queued or running and was dropped so the task does not run twice at once
    /// (<see cref="PoolLedger.DropLate"/>). That dispatch never runs and the task's record waits for it, so this run
    /// stands in for it: its failure is the failure of the record's current attempt, not a run lost with its silo.
    /// </summary>
    public int ReportsAs { get; set; } = attempt;

    /// <summary>The span of the dispatch that sent it, its attempt's parent; null when that dispatch was not traced.</summary>
    public string? TraceParent { get; } = traceParent;

    /// <summary>Predicted memory, counted against the silo's budget while it runs; 0 when unknown.</summary>
    public double MemoryMb { get; } = memoryMb;

    /// <summary>Already counted as held for memory, so a wait counts once however often it is retried.</summary>
    public bool MemoryDeferred { get; set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when it entered the queue.</summary>
    public long EnqueuedAt { get; set; }

    /// <summary>Holds a slot of its type's start gate (a cluster-wide cap), given back when it ends.</summary>
    public bool HoldsGate { get; set; }

    /// <summary>
    /// A long-pool item that started on an idle slot of the short reserve because its point guess was short or nearly
    /// so (see <see cref="PoolSlots.MayBorrow"/>): that slot is the short pool's until it ends; for everything else
    /// (its outcome, the long pool's counts and mean run) it is a long-pool item.
    /// </summary>
    public bool Borrowed { get; set; }

    /// <summary>A caller cancelled it: dropped if still queued, its token cancelled if running.</summary>
    public bool Cancelled { get; set; }

    /// <summary>
    /// Its run is over (ended or abandoned) and its slot free, or it will never run (reported never started): what is
    /// left of it is its report, whose attempt (<see cref="ReportsAs"/>) no longer changes.
    /// </summary>
    public bool Ended { get; set; }

    /// <summary>
    /// Still held when its silo's drain stopped waiting: the silo gives it up, and may end it (a program's group is
    /// killed). A failure then is the silo's stop, not the task's, and is not reported; recovery runs the task again.
    /// </summary>
    public bool GivenUp { get; set; }
}

/// <summary>Where a pool tells what happened to a work item. Implementations must not throw.</summary>
internal interface ITaskEvents
{
    void Started(WorkItem item, DateTimeOffset startedAt);

    /// <summary>Completes when the outcome is delivered (or delivery gave up): a draining silo waits for it.</summary>
    Task Finished(WorkItem item, TaskOutcome outcome);
}
