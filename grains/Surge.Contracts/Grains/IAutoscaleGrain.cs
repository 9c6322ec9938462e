namespace Surge;

/// <summary>The cluster's autoscaler (key 0): what it decided, and why.</summary>
public interface IAutoscaleGrain : IGrainWithIntegerKey
{
    /// <summary>The newest decisions, newest last.</summary>
    Task<AutoscaleDecision[]> GetHistoryAsync(int max);

    /// <summary>Per silo group, the pod memory request and limit its silos' task memory calls for (recommended only).</summary>
    Task<MemoryRecommendation[]> GetMemoryRecommendationsAsync();
}

/// <summary>
/// A silo group's recommended pod memory, in MiB, from the last <see cref="Window"/> of its silos' reports
/// (<see cref="Samples"/> of them, from up to <see cref="Silos"/> silos): the peak memory of one task, observed and
/// predicted; the most tasks one silo ran at once; the silo's own footprint; the margin on the request. The limit
/// leaves the peak well under it. Surge never applies it: set it in the chart's group resources.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MemoryRecommendation(
    [property: Id(0)] string Group,
    [property: Id(1)] int Silos,
    [property: Id(2)] double ObservedTaskPeakMb,
    [property: Id(3)] double PredictedTaskPeakMb,
    [property: Id(4)] int PeakConcurrency,
    [property: Id(5)] double FootprintMb,
    [property: Id(6)] double Margin,
    [property: Id(7)] long RequestMb,
    [property: Id(8)] long LimitMb,
    [property: Id(9)] TimeSpan Window,
    [property: Id(10)] int Samples);

/// <summary>
/// One change the autoscaler made: a pool's concurrency on one silo (<see cref="AutoscaleKind.Concurrency"/>, with its
/// <see cref="Target"/>) or the number of silo pods (<see cref="AutoscaleKind.Replicas"/>), with the inputs it looked at and the reason.
/// <see cref="Group"/>: the silo group it was decided for (null from silos that predate groups).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AutoscaleDecision(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] AutoscaleKind Kind,
    [property: Id(2)] PoolTarget? Target,
    [property: Id(4)] int From,
    [property: Id(5)] int To,
    [property: Id(6)] string Reason,
    [property: Id(7)] string Inputs,
    [property: Id(8)] string? Group = null)
{
    /// <summary>A change of <paramref name="pool"/>'s concurrency limit on <paramref name="silo"/>.</summary>
    public static AutoscaleDecision Concurrency(DateTimeOffset at, string silo, PoolKind pool, int from, int to, string reason, string inputs)
        => new(at, AutoscaleKind.Concurrency, new PoolTarget(silo, pool), from, to, reason, inputs);

    /// <summary>A change of the number of silo pods.</summary>
    public static AutoscaleDecision Replicas(DateTimeOffset at, int from, int to, string reason, string inputs)
        => new(at, AutoscaleKind.Replicas, null, from, to, reason, inputs);
}

/// <summary>What the autoscaler changed.</summary>
public enum AutoscaleKind
{
    /// <summary>A pool's concurrency limit on one silo.</summary>
    Concurrency = 1,

    /// <summary>The number of silo pods.</summary>
    Replicas = 2,
}

/// <summary>One pool on one silo.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolTarget([property: Id(0)] string Silo, [property: Id(1)] PoolKind Pool);
