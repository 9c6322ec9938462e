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

    /// <summary>Where a resumed schedule counts from: the instants it was paused over are not made up. Resuming a running one changes nothing.</summary>
    public static DateTimeOffset? Resume(DateTimeOffset? lastFired, bool paused, DateTimeOffset now) => paused ? now : lastFired;

    /// <summary>
    /// The task an operator's "trigger now" submits: the schedule's task with an id of its own (<c>schedule:NAME:manual:…</c>,
    /// to the millisecond), so it neither takes the id of a cron instant nor stops that instant from running. It does
    /// not move the schedule's last instant: the cron goes on as it was.
    /// </summary>
    public static TaskSpec ManualTask(ScheduleSpec spec, DateTimeOffset now)
        => spec.TaskFor(now) with { Id = $"schedule:{spec.Name}:manual:{now.UtcDateTime:yyyyMMddTHHmmssfff}Z" };
}
