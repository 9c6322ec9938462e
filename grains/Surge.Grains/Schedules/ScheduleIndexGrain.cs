
namespace Surge.Schedules;

[GenerateSerializer]
internal sealed class ScheduleIndex
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Which schedules exist, for listing them and for waking them (<see cref="ScheduleKeeper"/>).</summary>
internal sealed class ScheduleIndexGrain([PersistentState("schedules", SurgeStorage.Name)] IPersistentState<ScheduleIndex> index, TimeProvider time)
    : Grain, IScheduleIndexGrain, IScheduleSweep
{
    private long? _lastSweep; // a timestamp: a clock set back must not hold the sweeps back until it catches up
    private long _sweptDeathVersion;

    public Task<string[]> GetNamesAsync() => Task.FromResult(index.State.Names.ToArray());

    // A change the store refused is undone, so the caller's retry writes it again instead of finding it done.
    public Task AddAsync(string name)
        => index.State.Names.Add(name) ? index.WriteOrUndoAsync(this, () => index.State.Names.Remove(name), $"schedule '{name}' in the list") : Task.CompletedTask;

    public Task RemoveAsync(string name)
        => index.State.Names.Remove(name) ? index.WriteOrUndoAsync(this, () => index.State.Names.Add(name), $"schedule '{name}' off the list") : Task.CompletedTask;

    // One-way wakes: the sweep takes one turn of this grain however many schedules there are.
    public Task WakeAllAsync(TimeSpan period)
    {
        if (_lastSweep is { } last && time.GetElapsedTime(last) < period) return Task.CompletedTask;
        WakeAll();
        return Task.CompletedTask;
    }

    public Task WakeAfterDeathAsync(long membershipVersion)
    {
        if (membershipVersion <= _sweptDeathVersion) return Task.CompletedTask;
        _sweptDeathVersion = membershipVersion;
        WakeAll();
        return Task.CompletedTask;
    }

    private void WakeAll()
    {
        _lastSweep = time.GetTimestamp(); // a sweep for a death counts as the period's too
        foreach (var name in index.State.Names) GrainFactory.GetGrain<IScheduleWake>(name).WakeAsync().Ignore();
    }
}
