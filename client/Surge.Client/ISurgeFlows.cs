using System.Collections.Immutable;
using Surge.Flows;

namespace Surge.Client;

/// <summary>
/// Flows, states and waves: register a graph of tasks, keep the set of entities it runs for, and run it over them.
/// Registered beside <see cref="ISurgeClient"/> by <c>AddSurgeClient</c>.
/// </summary>
public interface ISurgeFlows
{
    /// <summary>Validates and registers (or replaces) a flow. Throws <see cref="SurgeValidationException"/> naming the task and field.</summary>
    Task<FlowDefinition> RegisterAsync(FlowDefinition flow, CancellationToken cancellationToken = default);

    /// <summary>The registered flow of this name, or null when there is none.</summary>
    Task<FlowDefinition?> GetAsync(string flow, CancellationToken cancellationToken = default);

    /// <summary>Adds entity keys to a state (created on first use); returns its size.</summary>
    Task<int> AddToStateAsync(string state, IEnumerable<string> entities, CancellationToken cancellationToken = default);

    /// <summary>Removes entity keys from a state; returns its size.</summary>
    Task<int> RemoveFromStateAsync(string state, IEnumerable<string> entities, CancellationToken cancellationToken = default);

    /// <summary>A state's keys in order, from <paramref name="offset"/>, at most <paramref name="max"/>: page through a large one.</summary>
    Task<ImmutableArray<string>> ListStateAsync(string state, int offset = 0, int max = 1000, CancellationToken cancellationToken = default);

    /// <summary>Starts a wave (idempotent by <see cref="WaveRequest.WaveId"/>; generated when null) and returns its status.</summary>
    Task<WaveStatus> StartWaveAsync(WaveRequest request, CancellationToken cancellationToken = default);

    /// <summary>A wave's counts per task and state, or null when no wave has this id.</summary>
    Task<WaveStatus?> GetWaveAsync(string wave, CancellationToken cancellationToken = default);

    /// <summary>The latest waves started, latest first.</summary>
    Task<WaveStatus[]> ListWavesAsync(int max = 20, CancellationToken cancellationToken = default);

    /// <summary>Polls the wave until it is done or <paramref name="timeout"/> passes; <paramref name="progress"/> hears each poll.</summary>
    Task<WaveStatus> WaitWaveAsync(string wave, TimeSpan? timeout = null, IProgress<WaveStatus>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// For <paramref name="task"/> run in two versions by the wave, which entities' outputs are equal; versions default
    /// to the first two the wave ran.
    /// </summary>
    Task<WaveComparison> CompareAsync(string wave, string task, string? versionA = null, string? versionB = null, CancellationToken cancellationToken = default);
}
