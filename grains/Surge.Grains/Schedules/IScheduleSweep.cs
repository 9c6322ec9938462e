namespace Surge.Schedules;

/// <summary>Wakes every registered schedule; the index grain does it, so it is done once a period however many silos ask.</summary>
internal interface IScheduleSweep : IGrainWithIntegerKey
{
    /// <summary>Wakes every schedule on the list, unless that was done less than <paramref name="period"/> ago.</summary>
    Task WakeAllAsync(TimeSpan period);
}
