namespace Surge;

/// <summary>
/// One silo at a glance, in one call (<see cref="IWorkerSiloGrain.GetSummaryAsync"/>): how it runs tasks, its pools,
/// and what the task shards active on it hold that an operator acts on. The shards keep it up to date as their records
/// change, so a status page asks each silo once instead of every shard.
/// </summary>
/// <param name="Info">How this silo runs tasks, as <see cref="IWorkerSiloGrain.GetInfoAsync"/> answers.</param>
/// <param name="Pools">This silo's pools, as <see cref="IWorkerSiloGrain.GetPoolsAsync"/> answers.</param>
/// <param name="HeldCount">Entity events waiting for a predecessor, in the shards active on this silo.</param>
/// <param name="Held">The oldest of them, at most <see cref="Depth"/>, oldest first.</param>
/// <param name="DeadLetterCount">Dead-lettered tasks in the shards active on this silo.</param>
/// <param name="DeadLetters">The latest of them, at most <see cref="Depth"/>, latest failure first.</param>
/// <param name="Shards">Task shards active on this silo.</param>
[GenerateSerializer, Immutable]
public sealed record SiloSummary(
    [property: Id(0)] SiloInfo Info,
    [property: Id(1)] PoolStats[] Pools,
    [property: Id(2)] int HeldCount,
    [property: Id(3)] HeldEventSummary[] Held,
    [property: Id(4)] int DeadLetterCount,
    [property: Id(5)] DeadLetterSummary[] DeadLetters,
    [property: Id(6)] int Shards)
{
    /// <summary>How many held events and dead letters a summary lists: what the status page shows.</summary>
    public const int Depth = 20;
}

/// <summary>An entity event waiting for its predecessor.</summary>
/// <param name="Id">The task's id.</param>
/// <param name="Entity">The entity whose events run in order.</param>
/// <param name="Event">This event's name within its entity.</param>
/// <param name="SubmittedAt">When it was submitted: how long it has been held.</param>
[GenerateSerializer, Immutable]
public sealed record HeldEventSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Entity,
    [property: Id(2)] string? Event,
    [property: Id(3)] DateTimeOffset SubmittedAt);

/// <summary>A task that failed for good and waits for an operator (retry or purge).</summary>
/// <param name="Id">The task's id.</param>
/// <param name="Type">The task's type.</param>
/// <param name="Attempts">Attempts made in its last retry budget.</param>
/// <param name="FinishedAt">When its last attempt failed.</param>
/// <param name="Error">Its last error.</param>
[GenerateSerializer, Immutable]
public sealed record DeadLetterSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset? FinishedAt,
    [property: Id(4)] string? Error);
