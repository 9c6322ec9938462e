namespace Surge.Schedules;

/// <summary>
/// Wakes every registered schedule; the index grain does it, so it is done once a period, or once per death, however
/// many silos ask (<see cref="ScheduleKeeper"/>). Internal: no client may call it.
/// </summary>
internal interface IScheduleSweep : IGrainWithIntegerKey
{
    /// <summary>Wakes every schedule on the list, unless that was done less than <paramref name="period"/> ago.</summary>
    Task WakeAllAsync(TimeSpan period);

    /// <summary>
    /// Wakes every schedule on the list once per membership version in which a silo was seen declared dead: the first
    /// silo to see the death asks, and the others, seeing the same version, find it done.
    /// </summary>
    Task WakeAfterDeathAsync(long membershipVersion);
}
