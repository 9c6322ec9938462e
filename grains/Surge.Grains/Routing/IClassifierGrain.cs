namespace Surge.Routing;

/// <summary>
/// Routes ready tasks: asks the predictor, applies the routing mode, and hands each pool its share of the batch. A
/// stateless worker, so every silo classifies its own shards' work locally. Internal: only task shards call it.
/// </summary>
internal interface IClassifierGrain : IGrainWithIntegerKey
{
    /// <summary>Returns once every task of the batch is queued (or started) in its pool, not when they have run.</summary>
    Task DispatchAsync(DispatchBatch batch);
}

/// <summary>
/// Ready tasks a shard dispatched in one turn, each with the attempt its record counted. <see cref="Silo"/>: the silo
/// whose pools are to hold them, the one their records name (null from older shards): see <see cref="Pools.HereOnly"/>.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record DispatchBatch([property: Id(0)] TaskDispatch[] Items, [property: Id(1)] string? Silo = null);

/// <summary>
/// One dispatch of a task; <see cref="TraceParent"/>: its dispatch span, when traced. <see cref="Pool"/> (with its
/// predicted duration and memory): the pool its shard already routed it to, to find a silo that hosts it (silo
/// groups); null when the classifier routes it. <see cref="SubmittedAt"/>: its record's, which tells a record of the
/// task from an earlier one of the same id (a silo's bars, see <see cref="Pools.DispatchProbe"/>); null from older shards.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record TaskDispatch([property: Id(0)] TaskSpec Spec, [property: Id(1)] int Attempt, [property: Id(2)] string? TraceParent = null,
    [property: Id(3)] PoolKind? Pool = null, [property: Id(4)] double? PredictedMs = null, [property: Id(5)] double MemoryMb = 0,
    [property: Id(6)] DateTimeOffset? SubmittedAt = null);
