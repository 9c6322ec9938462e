using System.Collections.Immutable;

namespace Surge;

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

/// <summary>What a schedule starts at each instant instead of a task: a wave of a flow over a state.</summary>
/// <param name="Flow">A registered flow's name.</param>
/// <param name="State">The state whose entities each wave runs for.</param>
/// <param name="Hourly">The wave's date is the instant's hour (<c>yyyy-MM-ddTHH</c>) rather than its day.</param>
[GenerateSerializer, Immutable]
public sealed record WaveSchedule(
    [property: Id(0)] string Flow,
    [property: Id(1)] string State,
    [property: Id(2)] bool Hourly = false);
