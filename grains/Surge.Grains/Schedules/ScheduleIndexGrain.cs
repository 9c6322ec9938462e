
namespace Surge.Schedules;

[GenerateSerializer]
internal sealed class ScheduleIndex
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Which schedules exist, for listing them.</summary>
internal sealed class ScheduleIndexGrain([PersistentState("schedules", SurgeStorage.Name)] IPersistentState<ScheduleIndex> index)
    : Grain, IScheduleIndexGrain
{
    public Task<string[]> GetNamesAsync() => Task.FromResult(index.State.Names.ToArray());

    public Task AddAsync(string name) => index.State.Names.Add(name) ? index.WriteStateAsync() : Task.CompletedTask;

    public Task RemoveAsync(string name) => index.State.Names.Remove(name) ? index.WriteStateAsync() : Task.CompletedTask;
}
