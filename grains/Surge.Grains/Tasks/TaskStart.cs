namespace Surge.Tasks;

/// <summary>That a task's execution began, and where.</summary>
[GenerateSerializer, Immutable]
internal sealed record TaskStart(
    [property: Id(0)] PoolKind Pool,
    [property: Id(1)] double? PredictedMs,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] int Attempt);
