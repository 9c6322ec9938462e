namespace Surge;

/// <summary>One named schedule (the key is its name). Kept in grain storage and woken by a reminder, so it survives restarts.</summary>
public interface IScheduleGrain : IGrainWithStringKey
{
    /// <summary>Registers or replaces the schedule. Throws <see cref="SurgeValidationException"/> for a bad cron or type.</summary>
    Task<ScheduleStatus> SetAsync(ScheduleSpec spec);

    /// <summary>Stops the schedule and forgets it; false when there was none.</summary>
    Task<bool> RemoveAsync();

    /// <summary>The schedule, or null when none has this name.</summary>
    Task<ScheduleStatus?> GetAsync();
}

/// <summary>The names of every registered schedule (one grain, key 0).</summary>
public interface IScheduleIndexGrain : IGrainWithIntegerKey
{
    Task<string[]> GetNamesAsync();

    Task AddAsync(string name);

    Task RemoveAsync(string name);
}
