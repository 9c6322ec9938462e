namespace Surge;

/// <summary>The cluster's autoscaler (key 0): what it decided, and why.</summary>
public interface IAutoscaleGrain : IGrainWithIntegerKey
{
    /// <summary>The newest decisions, newest last.</summary>
    Task<AutoscaleDecision[]> GetHistoryAsync(int max);
}

/// <summary>
/// One change the autoscaler made: a pool's concurrency on one silo (<see cref="Kind"/> "concurrency") or the
/// number of silo pods ("replicas"), with the inputs it looked at and the reason.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AutoscaleDecision(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string? Silo,
    [property: Id(3)] string? Pool,
    [property: Id(4)] int From,
    [property: Id(5)] int To,
    [property: Id(6)] string Reason,
    [property: Id(7)] string Inputs)
{
    public const string Concurrency = "concurrency";
    public const string Replicas = "replicas";
}
