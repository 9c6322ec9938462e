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
