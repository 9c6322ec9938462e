namespace Surge;

/// <summary>The cluster's autoscaler (key 0): what it decided, and why.</summary>
public interface IAutoscaleGrain : IGrainWithIntegerKey
{
    /// <summary>The newest decisions, newest last.</summary>
    Task<AutoscaleDecision[]> GetHistoryAsync(int max);
}

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
