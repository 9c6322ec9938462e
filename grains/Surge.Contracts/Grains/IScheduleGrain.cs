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

    /// <summary>
    /// Submits the schedule's task (or starts its wave) now, once, with an id of its own; the cron goes on as it was.
    /// Returns the submitted task's id (the wave's id for a wave schedule), or null when no schedule has this name.
    /// </summary>
    Task<string?> TriggerAsync();

    /// <summary>Pauses (<paramref name="paused"/> true) or resumes the schedule; a resumed schedule does not make up for the instants it was paused over. Null when none has this name.</summary>
    Task<ScheduleStatus?> SetPausedAsync(bool paused);
}

/// <summary>The names of every registered schedule (one grain, key 0).</summary>
public interface IScheduleIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Every registered name, so listing schedules needs no scan of storage.</summary>
    Task<string[]> GetNamesAsync();

    /// <summary>Records a name; called by the schedule itself when it is registered. Adding a known name is a no-op.</summary>
    Task AddAsync(string name);

    /// <summary>Forgets a name; called by the schedule itself when it is removed.</summary>
    Task RemoveAsync(string name);
}
