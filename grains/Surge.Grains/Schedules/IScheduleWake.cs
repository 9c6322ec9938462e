using Orleans.Concurrency;

namespace Surge.Schedules;

/// <summary>
/// How silos wake schedules (internal: no client may call it). A schedule's grain arms its timer as it activates, so
/// waking one whose silo died resumes it on a live silo at once, not at its next reminder tick (up to a minute).
/// </summary>
internal interface IScheduleWake : IGrainWithStringKey
{
    /// <summary>Nothing but the activation: one-way, as the caller has nothing to wait for.</summary>
    [OneWay]
    Task WakeAsync();
}

/// <summary>Wakes every registered schedule; the index grain does it, so it is done once a period however many silos ask.</summary>
internal interface IScheduleSweep : IGrainWithIntegerKey
{
    /// <summary>Wakes every schedule on the list, unless that was done less than <paramref name="period"/> ago.</summary>
    Task WakeAllAsync(TimeSpan period);
}
