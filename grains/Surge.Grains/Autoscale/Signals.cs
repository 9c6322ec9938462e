namespace Surge.Autoscale;

/// <summary>
/// One pool on one silo over the last interval: what the control law reads. <see cref="QueuedWorkMs"/>: the predicted
/// run time of what is queued, so the pod forecast knows how long the backlog takes; <see cref="Reachable"/>: the slots
/// the pool could run in-silo now (its max, or its limit while CPU or memory stop it rising). Both 0 from silos that
/// predate them: the policy then takes queued × mean duration and the max. <see cref="SizedBySilo"/>: its limit is
/// the silo's own; the autoscaler counts its demand for pods and leaves its limit alone.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PoolSignal(
    [property: Id(0)] PoolKind Pool,
    [property: Id(1)] int Queued,
    [property: Id(2)] double OldestWaitMs,
    [property: Id(3)] int Running,
    [property: Id(4)] int Limit,
    [property: Id(5)] int Min,
    [property: Id(6)] int Max,
    [property: Id(7)] double ArrivalPerSecond,
    [property: Id(8)] double CompletionPerSecond,
    [property: Id(9)] double MeanActualMs,
    [property: Id(10)] double MeanPredictedMs,
    [property: Id(11)] double QueuedWorkMs = 0,
    [property: Id(12)] int Reachable = 0,
    [property: Id(13)] bool SizedBySilo = false);

/// <summary>
/// One silo's report, sent every interval. <see cref="Slots"/>: the silo's total slots, which its pools share (each
/// pool's max may be all of them); 0 from silos that predate it. <see cref="Group"/>: the silo group it belongs to
/// (<c>Surge:Silo:Group</c>), whose pods the autoscaler decides together. <see cref="TaskMemoryPeakMb"/>,
/// <see cref="PredictedTaskMemoryPeakMb"/>: the largest memory of one task finished in the interval, as observed and as
/// predicted; <see cref="ProcessMemoryMb"/>: the silo process's working set (0 from silos that predate them).
/// <see cref="At"/>: when it was taken, on the silo's own clock, which may be skewed: the autoscaler judges a silo's
/// silence by when its signals arrive, on its own clock. <see cref="Draining"/>: the silo is stopping (SIGTERM, a spot
/// reclaim) and takes no new work, so its slots are no capacity of its group (false from silos that predate it).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiloSignal(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] double Cpu,
    [property: Id(3)] double MemoryInUseMb,
    [property: Id(4)] double MemoryBudgetMb,
    [property: Id(5)] PoolSignal[] Pools,
    [property: Id(6)] int Slots = 0,
    [property: Id(7)] string Group = Silos.SiloGroupOptions.DefaultGroup,
    [property: Id(8)] double TaskMemoryPeakMb = 0,
    [property: Id(9)] double PredictedTaskMemoryPeakMb = 0,
    [property: Id(10)] double ProcessMemoryMb = 0,
    [property: Id(11)] bool Draining = false);
