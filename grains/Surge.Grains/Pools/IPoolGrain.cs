namespace Surge.Pools;

/// <summary>
/// A pool of this silo, by <see cref="PoolKind"/> (the grain's key): a stateless worker, so each silo has its own
/// activations and a call from a classifier on this silo stays here. It runs tasks under the pool's limit, through
/// this silo's <see cref="PoolRunner"/>. Internal: only classifier grains call it.
/// </summary>
internal interface IPoolGrain : IGrainWithIntegerKey
{
    /// <summary>Queues a batch of routed tasks in this pool; returns once they are queued (or started), not run.</summary>
    Task EnqueueAsync(PoolBatch batch);
}

/// <summary>
/// Routed tasks for one pool, in the order their shards dispatched them. <see cref="Silo"/>: the silo whose pool is to
/// hold them (<see cref="HereOnly"/>).
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record PoolBatch([property: Id(0)] PoolWork[] Items, [property: Id(1)] string? Silo = null);

/// <summary>
/// One routed task: what its classifier decided, the attempt its record counted, and the <c>traceparent</c> of the
/// dispatch that sent it (null when not traced), which its attempt's span starts under. <see cref="UpperMs"/> is the
/// cautious guess that routed it (null when routing did not predict, or the shard routed it). <see cref="SubmittedAt"/>:
/// its record's (<see cref="Routing.TaskDispatch.SubmittedAt"/>).
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record PoolWork(
    [property: Id(0)] TaskSpec Spec,
    [property: Id(1)] int Attempt,
    [property: Id(2)] double? PredictedMs,
    [property: Id(3)] double MemoryMb,
    [property: Id(4)] string? TraceParent = null,
    [property: Id(5)] double? UpperMs = null,
    [property: Id(6)] DateTimeOffset? SubmittedAt = null);
