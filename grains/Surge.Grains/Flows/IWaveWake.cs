using Orleans.Concurrency;

namespace Surge.Flows;

/// <summary>
/// How silos wake a wave (internal: no client may call it). The wave checks on every entity not known to be done, and
/// that call activates on a live silo each entity grain a dead silo held, which resumes its run at once, not at the
/// wave's next reminder tick (up to a minute).
/// </summary>
internal interface IWaveWake : IGrainWithStringKey
{
    /// <summary>One-way, as the caller has nothing to wait for.</summary>
    [OneWay]
    Task WakeAsync();
}
