namespace Surge.Flows;

/// <summary>
/// Starts a wave whose id a schedule derived (<see cref="WaveIds.ScheduledPrefix"/>), which <see cref="IWaveGrain.StartAsync"/>
/// refuses. Internal: not on the list of interfaces a client may call, so only the schedule grains reach it.
/// </summary>
internal interface IScheduledWaveStart : IGrainWithStringKey
{
    /// <summary>As <see cref="IWaveGrain.StartAsync"/>, with the reserved id allowed.</summary>
    Task<WaveStatus> StartScheduledAsync(WaveRequest request);
}
