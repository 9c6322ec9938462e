namespace Surge;

/// <summary>
/// One attempt of a task that has ended: how it ended, where and when it ran, and its error. A task keeps its latest
/// <see cref="MaxKept"/> (its <see cref="TaskStatus.Attempts"/> counts them all), so a record stays bounded however
/// often a dead letter is retried.
/// </summary>
/// <param name="Attempt">Its number, 1 for the first dispatch (recoveries and retries count on).</param>
/// <param name="Outcome"><see cref="TaskState.Succeeded"/>, <see cref="TaskState.Failed"/> (retried or not) or <see cref="TaskState.Cancelled"/>.</param>
/// <param name="Pool">The pool it ran in; null when it never started.</param>
/// <param name="PredictedMs">The duration its classifier predicted.</param>
/// <param name="StartedAt">When it started; null when it never did.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Error">Why it failed, cut at <see cref="MaxErrorLength"/> characters.</param>
/// <param name="Silo">The silo that ran it.</param>
[GenerateSerializer, Immutable]
public sealed record AttemptStatus(
    [property: Id(0)] int Attempt,
    [property: Id(1)] TaskState Outcome,
    [property: Id(2)] PoolKind? Pool,
    [property: Id(3)] double? PredictedMs,
    [property: Id(4)] DateTimeOffset? StartedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt,
    [property: Id(6)] string? Error,
    [property: Id(7)] string? Silo)
{
    /// <summary>How many ended attempts a task record keeps: the latest ones.</summary>
    public const int MaxKept = 10;

    /// <summary>How much of an attempt's error is kept: a stack trace in a message must not grow every record.</summary>
    public const int MaxErrorLength = 1_000;

    /// <summary><paramref name="error"/> cut to <see cref="MaxErrorLength"/> characters (never inside a surrogate pair).</summary>
    public static string? Bound(string? error) => error is { Length: > MaxErrorLength } ? $"{TextCut.Head(error, MaxErrorLength)}…" : error;
}
