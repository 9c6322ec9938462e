namespace Surge.Schedules;

/// <summary>
/// What a schedule does at an instant, and what an operator's pause, resume and "trigger now" change. Pure: the grain
/// stores what these return. A paused schedule submits nothing, and a resumed one starts from the moment it resumes:
/// like a new schedule, it does not make up for the instants it was paused over.
/// </summary>
internal static class ScheduleRules
{
    /// <summary>The instant to submit now: the latest due since <paramref name="lastFired"/>, or null (none due, or paused).</summary>
    public static DateTimeOffset? Due(ScheduleSpec spec, DateTimeOffset? lastFired, bool paused, DateTimeOffset now)
        => paused ? null : CronSchedule.LatestDue(CronSchedule.Parse(spec.Cron), lastFired ?? now, now);

    /// <summary>When the schedule fires next: null while paused.</summary>
    public static DateTimeOffset? Next(ScheduleSpec spec, DateTimeOffset? lastFired, bool paused, DateTimeOffset now)
        => paused ? null : CronSchedule.Parse(spec.Cron).GetNextOccurrence(lastFired ?? now, TimeZoneInfo.Utc);

    /// <summary>
    /// How long the schedule's timer waits: until its next instant after <paramref name="startedUpTo"/>, at most
    /// <paramref name="longest"/> (its reminder wakes it anyway). Paused, or with no next instant, the longest: a paused
    /// schedule whose next instant has passed would otherwise be woken at once, again and again.
    /// </summary>
    public static TimeSpan TimerDelay(ScheduleSpec spec, DateTimeOffset? startedUpTo, bool paused, DateTimeOffset now, TimeSpan longest)
    {
        var delay = Next(spec, startedUpTo, paused, now) is { } next ? next - now : longest;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > longest ? longest : delay;
    }

    /// <summary>Where a resumed schedule counts from: the instants it was paused over are not made up. Resuming a running one changes nothing.</summary>
    public static DateTimeOffset? Resume(DateTimeOffset? lastFired, bool paused, DateTimeOffset now) => paused ? now : lastFired;

    /// <summary>
    /// The task an operator's "trigger now" submits: the schedule's task with an id of its own (<c>schedule:NAME:manual:…</c>,
    /// to the millisecond), so it neither takes the id of a cron instant nor stops that instant from running. It does
    /// not move the schedule's last instant: the cron goes on as it was.
    /// </summary>
    public static TaskSpec ManualTask(ScheduleSpec spec, DateTimeOffset now)
        => spec.TaskFor(now) with { Id = $"schedule:{spec.Name}:manual:{now.UtcDateTime:yyyyMMddTHHmmssfff}Z" };

    /// <summary>The wave an operator's "trigger now" starts, under an id of its own as <see cref="ManualTask"/>'s; null for a task schedule.</summary>
    public static WaveRequest? ManualWave(ScheduleSpec spec, DateTimeOffset now) => spec.WaveFor(now, manual: true);
}
