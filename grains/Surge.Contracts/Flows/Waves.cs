using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>Where one task of one entity is in a wave. <see cref="Finished"/>, <see cref="Degraded"/> and <see cref="Failed"/> are final.</summary>
[GenerateSerializer]
public enum StepState
{
    /// <summary>Waiting for its inputs (or their dependency timeout).</summary>
    Pending = 0,
    /// <summary>Submitted: queued, running or retrying on the normal task path.</summary>
    Running = 1,
    /// <summary>Ran with all its inputs; its output pipe is written.</summary>
    Finished = 2,
    /// <summary>Ran with the inputs that existed when its dependency timeout passed (or whose producers had failed); its output is written.</summary>
    Degraded = 3,
    /// <summary>Failed all its attempts; its output does not exist, and the tasks that read it run degraded.</summary>
    Failed = 4,
}

/// <summary>How many entities are at each state for one task version of a wave.</summary>
[GenerateSerializer, Immutable]
public sealed record WaveTaskCount(
    [property: Id(0)] string Task,
    [property: Id(1)] string Version,
    [property: Id(2)] int Pending,
    [property: Id(3)] int Running,
    [property: Id(4)] int Finished,
    [property: Id(5)] int Degraded,
    [property: Id(6)] int Failed)
{
    /// <summary>Entities this task version runs for, whatever their state.</summary>
    public int Total => Pending + Running + Finished + Degraded + Failed;
}

/// <summary>A wave's progress. <see cref="MakespanSeconds"/> and <see cref="CriticalPathSeconds"/> are set once it is done.</summary>
[GenerateSerializer, Immutable]
public sealed record WaveStatus(
    [property: Id(0)] string Wave,
    [property: Id(1)] string Flow,
    [property: Id(2)] string State,
    [property: Id(3)] string Date,
    [property: Id(4)] int Entities,
    [property: Id(5)] ImmutableArray<WaveTaskCount> Tasks,
    [property: Id(6)] DateTimeOffset StartedAt,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] double? MakespanSeconds,
    [property: Id(9)] double? CriticalPathSeconds,
    [property: Id(10)] int EntitiesDone)
{
    /// <summary>True once every step is final.</summary>
    public bool IsDone => FinishedAt is not null;

    /// <summary>Steps in the wave: one per entity and task version.</summary>
    public int Steps => Tasks.Sum(t => t.Total);

    /// <summary>Steps that ran with all their inputs.</summary>
    public int Finished => Tasks.Sum(t => t.Finished);

    /// <summary>Steps that ran without some of their inputs.</summary>
    public int Degraded => Tasks.Sum(t => t.Degraded);

    /// <summary>Steps that failed all their attempts.</summary>
    public int Failed => Tasks.Sum(t => t.Failed);
}

/// <summary>What <c>compare</c> found for a task run in two versions: per entity, equal outputs or not.</summary>
[GenerateSerializer, Immutable]
public sealed record WaveComparison(
    [property: Id(0)] string Wave,
    [property: Id(1)] string Task,
    [property: Id(2)] string VersionA,
    [property: Id(3)] string VersionB,
    [property: Id(4)] int Entities,
    [property: Id(5)] int Equal,
    [property: Id(6)] int Differ,
    [property: Id(7)] int Missing,
    [property: Id(8)] ImmutableArray<string> Differing);

/// <summary>Pipe keys: <c>{version}/{pipe} {entity} {date}</c>, the version being the producing task's.</summary>
public static class PipeKey
{
    /// <summary>The key of <paramref name="pipe"/> written by <paramref name="version"/> for one entity and date.</summary>
    public static string Of(string version, string pipe, string entity, string date) => $"{version}/{pipe} {entity} {date}";
}
