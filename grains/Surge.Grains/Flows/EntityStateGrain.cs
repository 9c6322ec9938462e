using System.Collections.Immutable;

namespace Surge.Flows;

[GenerateSerializer]
internal sealed class EntityStateRecord
{
    [Id(0)] public ImmutableSortedSet<string> Entities { get; set; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
}

/// <summary>A state: a named set of entity keys, stored whole (at most <see cref="EntityKeys.MaxPerState"/>).</summary>
internal sealed class EntityStateGrain(
    [PersistentState("state", SurgeStorage.Name)] IPersistentState<EntityStateRecord> state) : Grain, IEntityStateGrain
{
    public async Task<int> AddAsync(ImmutableArray<string> entities)
    {
        EntityKeys.Validate(entities);
        var next = state.State.Entities.Union(entities);
        if (next.Count > EntityKeys.MaxPerState)
            throw new SurgeValidationException("entities", $"the state would hold {next.Count} keys, over the limit of {EntityKeys.MaxPerState}; split it into several states");
        return await SaveAsync(next);
    }

    public async Task<int> RemoveAsync(ImmutableArray<string> entities)
    {
        EntityKeys.Validate(entities);
        return await SaveAsync(state.State.Entities.Except(entities));
    }

    private async Task<int> SaveAsync(ImmutableSortedSet<string> next)
    {
        if (next.Count == state.State.Entities.Count && next.SetEquals(state.State.Entities)) return next.Count;
        var previous = state.State.Entities;
        state.State.Entities = next;
        await state.WriteOrUndoAsync(this, () => state.State.Entities = previous);
        return next.Count;
    }

    public Task<ImmutableArray<string>> ListAsync(int offset, int max)
        => Task.FromResult(state.State.Entities.Skip(Math.Max(0, offset)).Take(Math.Clamp(max, 0, EntityKeys.MaxPerState)).ToImmutableArray());

    public Task<int> CountAsync() => Task.FromResult(state.State.Entities.Count);
}
