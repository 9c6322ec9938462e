namespace Surge;

/// <summary>
/// The worker pools of one silo, keyed by the silo's address (see <see cref="PoolStats.Silo"/>):
/// the control surface the autoscaler and operators use.
/// </summary>
public interface IWorkerSiloGrain : IGrainWithStringKey
{
    /// <summary>How this silo runs tasks: routing mode, slots, registered task types and model version.</summary>
    Task<SiloInfo> GetInfoAsync();

    /// <summary>A snapshot of each of this silo's pools.</summary>
    Task<PoolStats[]> GetPoolsAsync();

    /// <summary>This silo's info, pools, held events and dead letters in one answer: what <c>/api/status</c> reads.</summary>
    Task<SiloSummary> GetSummaryAsync();

    /// <summary>Sets a pool's concurrency limit, clamped to its configured min/max; returns the limit applied.</summary>
    Task<int> SetConcurrencyAsync(PoolKind pool, int limit);
}

/// <summary>A snapshot of one pool on one silo. <see cref="MemoryMb"/>: predicted memory of its running tasks.
/// Counters (<see cref="Arrived"/>, <see cref="Started"/>, <see cref="Completed"/>, <see cref="RunMsTotal"/>, <see cref="PredictedArrived"/>,
/// <see cref="PredictedMsTotal"/>) only grow: rates come from two snapshots. <see cref="PredictedArrived"/> counts the arrivals that
/// carried a predicted duration, and <see cref="PredictedMsTotal"/> sums those predictions. <see cref="SizedBySilo"/>: the
/// silo sizes the pool itself, at once (the autoscaler is on): its limit is not the autoscaler's to set.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolStats(
    [property: Id(0)] string Silo,
    [property: Id(1)] PoolKind Pool,
    [property: Id(2)] int Queued,
    [property: Id(3)] int Running,
    [property: Id(4)] int Limit,
    [property: Id(5)] int Min,
    [property: Id(6)] int Max,
    [property: Id(7)] long Started,
    [property: Id(8)] long Completed,
    [property: Id(9)] double OldestWaitMs,
    [property: Id(10)] double MemoryMb = 0,
    [property: Id(11)] long Arrived = 0,
    [property: Id(12)] double RunMsTotal = 0,
    [property: Id(13)] long PredictedArrived = 0,
    [property: Id(14)] double PredictedMsTotal = 0,
    [property: Id(15)] bool SizedBySilo = false);

/// <summary>How one silo runs tasks. <see cref="ModelVersion"/>: the trained model it routes with, null while only the baseline runs.
/// <see cref="CacheHitRatio"/>: the share of hits among this silo's last 1,000 result cache lookups, null before the first.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloInfo(
    [property: Id(0)] string Silo,
    [property: Id(1)] RoutingMode RoutingMode,
    [property: Id(2)] int MaxConcurrency,
    [property: Id(3)] string[] TaskTypes,
    [property: Id(4)] string? ModelVersion = null,
    [property: Id(5)] double? RoutingAccuracy = null,
    [property: Id(6)] double? CacheHitRatio = null);
