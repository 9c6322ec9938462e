using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Surge.Flows;

/// <summary>A registered flow, keyed by its name. Registering again replaces it; waves already started keep theirs.</summary>
public interface IFlowGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores the flow; throws <see cref="SurgeValidationException"/> naming the task and field.</summary>
    Task<FlowDefinition> RegisterAsync(FlowDefinition flow);

    /// <summary>The registered flow, or null when none has this name.</summary>
    [ReadOnly]
    Task<FlowDefinition?> GetAsync();
}

/// <summary>A state: a named set of entity keys, the entities a wave runs for. Keyed by the state's name.</summary>
public interface IEntityStateGrain : IGrainWithStringKey
{
    /// <summary>Adds keys (already present ones are ignored); returns how many the state has.</summary>
    Task<int> AddAsync(ImmutableArray<string> entities);

    /// <summary>Removes keys (absent ones are ignored); returns how many the state has.</summary>
    Task<int> RemoveAsync(ImmutableArray<string> entities);

    /// <summary>Keys in order, from <paramref name="offset"/>, at most <paramref name="max"/>.</summary>
    [ReadOnly]
    Task<ImmutableArray<string>> ListAsync(int offset, int max);

    /// <summary>How many keys the state has.</summary>
    [ReadOnly]
    Task<int> CountAsync();
}

/// <summary>One wave: a run of a flow over the entities of a state. Keyed by the wave's id.</summary>
public interface IWaveGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the wave, or returns its status if this id has started already (the id is the idempotency key). Throws
    /// <see cref="SurgeValidationException"/> for an unknown flow or state, or bad versions or date.
    /// </summary>
    Task<WaveStatus> StartAsync(WaveRequest request);

    /// <summary>Counts per task and state; null when no wave has this id.</summary>
    Task<WaveStatus?> GetStatusAsync();

    /// <summary>
    /// For a task run in two versions, whether each entity's outputs are equal. Versions default to the first two the
    /// wave ran.
    /// </summary>
    Task<WaveComparison> CompareAsync(string task, string? versionA = null, string? versionB = null);
}

/// <summary>The latest waves started, for the status page and <c>surge wave list</c>.</summary>
public interface IWaveIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Records a wave id; called by the wave itself when it starts.</summary>
    Task AddAsync(string wave);

    /// <summary>Up to <paramref name="max"/> wave ids, latest first.</summary>
    [ReadOnly]
    Task<string[]> RecentAsync(int max);
}

/// <summary>Rules for the keys of a state's entities, which become parts of task ids and pipe keys.</summary>
public static class EntityKeys
{
    /// <summary>Longest key, in characters.</summary>
    public const int MaxLength = 96;

    /// <summary>Most keys one state holds: a wave runs for all of them.</summary>
    public const int MaxPerState = 100_000;

    /// <summary>Most keys one add or remove call carries; send more in batches.</summary>
    public const int MaxPerCall = 10_000;

    /// <summary>Throws <see cref="SurgeValidationException"/> naming the bad key and the fix.</summary>
    public static void Validate(IReadOnlyList<string> entities)
    {
        if (entities.Count > MaxPerCall)
            throw new SurgeValidationException("entities", $"{entities.Count} keys exceed the limit of {MaxPerCall} a call; send them in batches");
        ValidateEach(entities);
    }

    /// <summary>
    /// Each key, however many: what a client checks before it sends the first of several batches. Throws
    /// <see cref="SurgeValidationException"/> naming the bad key by its place among <paramref name="entities"/>.
    /// </summary>
    public static void ValidateEach(IReadOnlyList<string> entities)
    {
        for (var i = 0; i < entities.Count; i++)
        {
            var key = entities[i];
            var (field, fix) = ($"entities[{i}]", $"use 1 to {MaxLength} characters without spaces, e.g. \"customer-42\"");
            // Unprintable first, as for every other id: named by code and position, not echoed (a newline would break the line).
            if (!string.IsNullOrEmpty(key)) TaskValidator.RefuseUnprintable(key, field, fix);
            if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key.Any(char.IsWhiteSpace))
                throw new SurgeValidationException(field, $"\"{key}\" is not an entity key: {fix}");
        }
    }
}
