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

/// <summary>Starts a wave: a run of <paramref name="Flow"/> for every entity of <paramref name="State"/>.</summary>
/// <param name="Flow">A registered flow's name.</param>
/// <param name="State">The state whose entities the wave runs for, as they are when it starts.</param>
/// <param name="Date">The data's date, part of every pipe key (<c>yyyy-MM-dd</c> or <c>yyyy-MM-ddTHH</c>); null for today (UTC).</param>
/// <param name="Versions">
/// Versions to run per task, instead of the flow's own; two or more run side by side, each writing its own pipe.
/// Tasks that read that task's output read the first version given.
/// </param>
/// <param name="WaveId">The wave's id (idempotency key); null for a generated one.</param>
[GenerateSerializer, Immutable]
public sealed record WaveRequest(
    [property: Id(0)] string Flow,
    [property: Id(1)] string State,
    [property: Id(2)] string? Date = null,
    [property: Id(3)] ImmutableDictionary<string, ImmutableArray<string>>? Versions = null,
    [property: Id(4)] string? WaveId = null);

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
    public bool IsDone => FinishedAt is not null;
    public int Steps => Tasks.Sum(t => t.Total);
    public int Finished => Tasks.Sum(t => t.Finished);
    public int Degraded => Tasks.Sum(t => t.Degraded);
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

/// <summary>
/// What a task run by a wave knows of its place in it, handed to its handler as <c>TaskContext.Flow</c>: its inputs
/// are the pipes that existed when it started (all of them unless <see cref="Degraded"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FlowStep(
    [property: Id(0)] string Wave,
    [property: Id(1)] string Flow,
    [property: Id(2)] string Task,
    [property: Id(3)] string Version,
    [property: Id(4)] string Entity,
    [property: Id(5)] string Date,
    [property: Id(6)] bool Degraded,
    [property: Id(7)] ImmutableDictionary<string, ReadOnlyMemory<byte>> Inputs,
    [property: Id(8)] ImmutableArray<string> Missing)
{
    /// <summary>The most input a step carries: 16 pipes of the largest result a silo accepts by default.</summary>
    public const long MaxInputBytes = 16L * 1024 * 1024;

    public long InputBytes => Inputs.Values.Sum(v => (long)v.Length);

    /// <summary>The input pipe's bytes, or null when it did not exist (a degraded run).</summary>
    public ReadOnlyMemory<byte>? Input(string pipe) => Inputs.TryGetValue(pipe, out var value) ? value : null;

    /// <summary>The input pipe read as JSON, or default when it did not exist.</summary>
    public T? Input<T>(string pipe, System.Text.Json.JsonSerializerOptions? options = null)
        => Input(pipe) is { } value ? System.Text.Json.JsonSerializer.Deserialize<T>(value.Span, options ?? System.Text.Json.JsonSerializerOptions.Web) : default;
}

/// <summary>Pipe keys: <c>{version}/{pipe} {entity} {date}</c>, the version being the producing task's.</summary>
public static class PipeKey
{
    public static string Of(string version, string pipe, string entity, string date) => $"{version}/{pipe} {entity} {date}";
}

/// <summary>What a schedule starts at each instant instead of a task: a wave of a flow over a state.</summary>
/// <param name="Hourly">The wave's date is the instant's hour (<c>yyyy-MM-ddTHH</c>) rather than its day.</param>
[GenerateSerializer, Immutable]
public sealed record WaveSchedule(
    [property: Id(0)] string Flow,
    [property: Id(1)] string State,
    [property: Id(2)] bool Hourly = false);
