namespace Surge.Tasks;

/// <summary>The persisted record of one task. Ids are explicit so old records still load as the record grows.</summary>
[GenerateSerializer]
internal sealed class TaskRecord
{
    [Id(0)] public TaskSpec? Spec { get; set; }
    [Id(1)] public TaskState State { get; set; }
    [Id(2)] public string? Pool { get; set; }
    [Id(3)] public double? PredictedMs { get; set; }
    [Id(4)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(5)] public DateTimeOffset? StartedAt { get; set; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(7)] public int Attempts { get; set; }
    [Id(8)] public string? Error { get; set; }
    [Id(9)] public ReadOnlyMemory<byte> Result { get; set; }

    public TaskStatus ToStatus(string id) => new()
    {
        Id = id,
        Type = Spec?.Type ?? "",
        State = State,
        Pool = Pool,
        PredictedMs = PredictedMs,
        ActualMs = StartedAt is { } s && FinishedAt is { } f ? (f - s).TotalMilliseconds : null,
        SubmittedAt = SubmittedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        Attempts = Attempts,
        Error = Error,
        Entity = Spec?.Entity,
        Event = Spec?.Event,
        Result = Result,
    };
}
