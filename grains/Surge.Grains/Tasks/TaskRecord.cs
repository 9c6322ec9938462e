using System.Collections.Immutable;

namespace Surge.Tasks;

/// <summary>
/// One task's record, immutable: a change is a new record, so a store can keep the reference it was given.
/// Ids are explicit so stored records still load as the record grows. <see cref="Attempts"/> counts dispatches: it is
/// stored before a run can start, so a crash can never hide a run from the count, and it numbers them.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record TaskRecord
{
    [Id(0)] public required TaskSpec Spec { get; init; }
    [Id(1)] public TaskState State { get; init; }
    [Id(2)] public PoolKind? Pool { get; init; }
    [Id(3)] public double? PredictedMs { get; init; }
    [Id(4)] public DateTimeOffset SubmittedAt { get; init; }
    [Id(5)] public DateTimeOffset? StartedAt { get; init; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(7)] public int Attempts { get; init; }
    [Id(8)] public string? Error { get; init; }
    [Id(9)] public ReadOnlyMemory<byte> Result { get; init; }
    /// <summary>When a <see cref="TaskState.Retrying"/> task runs again.</summary>
    [Id(10)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(11)] public bool DeadLettered { get; init; }
    /// <summary>Attempts made before the current retry budget: a retry from the dead letters gets a whole new budget.</summary>
    [Id(12)] public int AttemptsBefore { get; init; }
    [Id(13)] public bool FromCache { get; init; }
    /// <summary>Times the task was dispatched again because its silo stopped while it was queued or running, in the current budget.</summary>
    [Id(14)] public int Recoveries { get; init; }
    /// <summary>
    /// The silo whose executor holds the task's current dispatch, until that dispatch reports: stored before it runs,
    /// so a shard that comes back elsewhere knows whether the run may still go on (its silo is alive) or died with it.
    /// </summary>
    [Id(15)] public string? RanOn { get; init; }
    /// <summary>
    /// The silo its latest dispatch went to, kept after the run reports (unlike <see cref="RanOn"/>): where its pool ran
    /// it. Null before a dispatch, and after one handed back unstarted.
    /// </summary>
    [Id(16)] public string? Silo { get; init; }
    /// <summary>When the current attempt was dispatched to a pool's queue.</summary>
    [Id(17)] public DateTimeOffset? QueuedAt { get; init; }
    /// <summary>The latest ended attempts, oldest first, at most <see cref="AttemptStatus.MaxKept"/>: bounded, however often it is retried.</summary>
    [Id(18)] public ImmutableArray<AttemptStatus> History { get; init; } = [];
    /// <summary>
    /// Dispatches handed back before they started, in the current budget: counted in <see cref="Attempts"/>, so every
    /// dispatch has a number of its own and a late report of one never passes for another's, but not run, so neither
    /// against the budget nor in <see cref="CountedAttempts"/>.
    /// </summary>
    [Id(19)] public int HandBacks { get; init; }

    /// <summary>The attempts a status shows: dispatches, less those handed back unstarted.</summary>
    public int CountedAttempts => Attempts - HandBacks;

    public string Id => Spec.Id;

    public TaskStatus ToStatus() => new()
    {
        Id = Spec.Id,
        Type = Spec.Type,
        State = State,
        Pool = Pool,
        PredictedMs = PredictedMs,
        ActualMs = StartedAt is { } s && FinishedAt is { } f ? (f - s).TotalMilliseconds : null,
        SubmittedAt = SubmittedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        Attempts = CountedAttempts,
        Error = Error,
        Entity = Spec.Entity,
        Event = Spec.Event,
        Result = Result,
        NextAttemptAt = NextAttemptAt,
        DeadLettered = DeadLettered,
        FromCache = FromCache,
        Recoveries = Recoveries,
        Submitter = Spec.Submitter,
        Silo = Silo,
        QueuedAt = QueuedAt,
        After = Spec.After,
        Sequence = Spec.Sequence,
        TraceParent = Spec.TraceParent,
        History = History.IsDefaultOrEmpty ? [] : [.. History],
    };

    /// <summary>This record with <paramref name="attempt"/> added to its history, the oldest dropped past <see cref="AttemptStatus.MaxKept"/>.</summary>
    public TaskRecord WithAttempt(AttemptStatus attempt)
    {
        var history = History.IsDefault ? [] : History;
        if (history.Length >= AttemptStatus.MaxKept) history = history.RemoveRange(0, history.Length - AttemptStatus.MaxKept + 1);
        return this with { History = history.Add(attempt with { Error = AttemptStatus.Bound(attempt.Error) }) };
    }
}
