namespace Surge.Pools;

/// <summary>How one execution of a task ended, as its pool reports it to the task's grain.</summary>
[GenerateSerializer, Immutable]
internal sealed record TaskOutcome(
    [property: Id(0)] bool Succeeded,
    [property: Id(1)] string? Error,
    [property: Id(2)] ReadOnlyMemory<byte> Result,
    [property: Id(3)] PoolKind Pool,
    [property: Id(4)] double? PredictedMs,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset FinishedAt,
    [property: Id(7)] int Attempt,
    [property: Id(8)] double MemoryMb = 0,
    [property: Id(9)] string? ErrorType = null,
    [property: Id(10)] string? CacheKey = null,
    [property: Id(11)] bool Ran = true)
{
    /// <summary>A dispatch that ended without its handler running (cancelled while queued): it still reports, so the
    /// shard knows when no run of the task is left anywhere.</summary>
    public static TaskOutcome NotStarted(string error, PoolKind pool, double? predictedMs, DateTimeOffset now, int attempt)
        => new(false, error, ReadOnlyMemory<byte>.Empty, pool, predictedMs, now, now, attempt, Ran: false);
}
