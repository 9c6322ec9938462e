using Microsoft.Extensions.Logging;
using Surge.Background;

namespace Surge.Flows;

/// <summary>
/// Wakes the open waves when this silo sees a silo declared dead, and once as it starts (it may be the first back
/// after every silo stopped): the entity grains the dead silo held resume on the living within seconds of the death,
/// where the waves' own reminders would take up to a minute. Every silo watches, as any of them may be the one left;
/// the wave list sweeps once per membership version however many ask.
/// </summary>
/// <remarks>Reads this silo's membership snapshot, which <c>MembershipWatch</c> refreshes every 2 s: no I/O but the wake itself.</remarks>
internal sealed partial class WaveKeeper(IGrainFactory grains, IClusterMembershipService membership, TimeProvider time, ILogger<WaveKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = logger;
    private readonly DeathWatch _deaths = new();
    private bool _due = true;

    public void Participate(ISiloLifecycle lifecycle)
        => ActiveSiloLoop.Subscribe(lifecycle, nameof(WaveKeeper), Period, CheckAsync, time, _logger, runAtStart: true);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        _due |= _deaths.Saw(snapshot);
        if (!_due) return;
        try
        {
            await grains.GetGrain<IWaveSweep>(0).WakeOpenAsync(snapshot.Version.Value);
            _due = false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWakeFailed(e.Message); // the list's silo died too, or its store is away: the next tick asks again
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "The open waves were not woken: {Error}")]
    private partial void LogWakeFailed(string error);
}
