namespace Surge;

/// <summary>What the runtime knows of one task. Times come from the silo's clock.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public TaskState State { get; init; }
    /// <summary>Pool its classifier routed it to; null until a classifier has (a queued task learns it when it starts).</summary>
    [Id(3)] public PoolKind? Pool { get; init; }
    [Id(4)] public double? PredictedMs { get; init; }
    [Id(5)] public double? ActualMs { get; init; }
    [Id(6)] public DateTimeOffset SubmittedAt { get; init; }
    [Id(7)] public DateTimeOffset? StartedAt { get; init; }
    [Id(8)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(9)] public int Attempts { get; init; }
    [Id(10)] public string? Error { get; init; }
    [Id(11)] public string? Entity { get; init; }
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
    /// <summary>Who submitted it (<see cref="TaskSpec.Submitter"/>): null when security was off or a silo submitted it (a schedule, a wave).</summary>
    [Id(18)] public string? Submitter { get; init; }

    public bool IsFinal => State.IsFinal();
}
