namespace Surge;

/// <summary>What the runtime knows of one task. Times come from the silo's clock.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskStatus
{
    /// <summary>The task's id, as submitted (<see cref="TaskSpec.Id"/>).</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>The task's type (<see cref="TaskSpec.Type"/>).</summary>
    [Id(1)] public required string Type { get; init; }
    /// <summary>Where the task is now; see <see cref="IsFinal"/>.</summary>
    [Id(2)] public TaskState State { get; init; }
    /// <summary>Pool its classifier routed it to; null until a classifier has (a queued task learns it when it starts).</summary>
    [Id(3)] public PoolKind? Pool { get; init; }
    /// <summary>The duration the predictor guessed when routing it, in milliseconds; null until it starts.</summary>
    [Id(4)] public double? PredictedMs { get; init; }
    /// <summary>How long it ran, from its latest start to its finish, in milliseconds; null until it is final.</summary>
    [Id(5)] public double? ActualMs { get; init; }
    /// <summary>When the cluster recorded the submission.</summary>
    [Id(6)] public DateTimeOffset SubmittedAt { get; init; }
    /// <summary>When its latest attempt started; null while it never ran.</summary>
    [Id(7)] public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When it reached a final state; null before.</summary>
    [Id(8)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Executions started so far, recoveries included.</summary>
    [Id(9)] public int Attempts { get; init; }
    /// <summary>
    /// Why the latest attempt failed (the handler's exception message, a timeout, a bad payload), its first
    /// <see cref="MaxErrorLength"/> characters; null otherwise.
    /// </summary>
    [Id(10)] public string? Error { get; init; }
    /// <summary>The entity whose events it belongs to (<see cref="TaskSpec.Entity"/>); null for an independent task.</summary>
    [Id(11)] public string? Entity { get; init; }
    /// <summary>Its event name within the entity (<see cref="TaskSpec.Event"/>).</summary>
    [Id(12)] public string? Event { get; init; }
    /// <summary>The handler's result bytes (UTF-8 JSON by convention), when it succeeded.</summary>
    [Id(13)] public ReadOnlyMemory<byte> Result { get; init; }
    /// <summary>When a <see cref="TaskState.Retrying"/> task runs again.</summary>
    [Id(14)] public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Failed for good (attempts exhausted, a non-retryable error, or its <c>after</c> never came): listed by <c>surge dead list</c>.</summary>
    [Id(15)] public bool DeadLettered { get; init; }
    /// <summary>Answered from the result cache of a deterministic type: it did not run.</summary>
    [Id(16)] public bool FromCache { get; init; }
    /// <summary>Times it was started again because its silo stopped while it was queued or running (each also counts in <see cref="Attempts"/>).</summary>
    [Id(17)] public int Recoveries { get; init; }
    /// <summary>
    /// Who submitted it (<see cref="TaskSpec.Submitter"/>): <c>http:</c> and the user or token name when it came through
    /// the HTTP task API with credentials; null when security was off, the caller had no identity, or a silo submitted
    /// it (a schedule, a wave).
    /// </summary>
    [Id(18)] public string? Submitter { get; init; }
    /// <summary>
    /// The silo its latest attempt was dispatched to, whose pool ran (or runs) it: with silo groups, a silo of a group
    /// that hosts its pool. Null before it is dispatched, or while it waits for a silo that hosts its pool.
    /// </summary>
    [Id(19)] public string? Silo { get; init; }
    /// <summary>When its latest attempt was dispatched to a pool's queue; null while it was never dispatched.</summary>
    [Id(20)] public DateTimeOffset? QueuedAt { get; init; }
    /// <summary>The event it waits for within its entity (<see cref="TaskSpec.After"/>).</summary>
    [Id(21)] public string? After { get; init; }
    /// <summary>Its place in its entity's order (<see cref="TaskSpec.Sequence"/>).</summary>
    [Id(22)] public long? Sequence { get; init; }
    /// <summary>The W3C trace context it was submitted in (<see cref="TaskSpec.TraceParent"/>): its trace id is the second field.</summary>
    [Id(23)] public string? TraceParent { get; init; }
    /// <summary>Its latest ended attempts, oldest first, at most <see cref="AttemptStatus.MaxKept"/>.</summary>
    [Id(24)] public AttemptStatus[] History { get; init; } = [];

    /// <summary>
    /// How much of a task's error is kept: its first 4,096 characters, then how many more there were. An exception's
    /// message is whatever its handler put in it (a response body, a dump); whole, it would travel in the run's report,
    /// the record and every read of its status.
    /// </summary>
    public const int MaxErrorLength = 4_096;

    /// <summary><paramref name="error"/> cut to <see cref="MaxErrorLength"/> characters (never inside a surrogate pair), saying how many were cut.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(error))]
    public static string? BoundError(string? error)
    {
        if (error is not { Length: > MaxErrorLength }) return error;
        var kept = TextCut.Head(error, MaxErrorLength);
        return $"{kept}… ({error.Length - kept.Length} more characters cut)";
    }

    /// <summary>True once it succeeded, failed for good or was cancelled: waiting longer changes nothing.</summary>
    public bool IsFinal => State.IsFinal();
}
