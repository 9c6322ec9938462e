using Microsoft.Extensions.Logging;
using Surge.Background;

namespace Surge.Schedules;

/// <summary>
/// Asks the schedule index to wake every schedule as soon as this silo sees a silo declared dead, and every
/// <see cref="Period"/> besides, so a schedule whose silo died or was restarted fires again within seconds, not at its
/// one-minute reminder tick (a Hangfire server would find it at its next 15 s poll of recurring jobs). After a death the
/// wake waits, in Orleans, for the directory's lease on the dead silo's grains (about 5 s after the death is declared),
/// then activates the schedule elsewhere at once, where a wake every period alone could come up to a period later.
/// Every silo asks (any of them may be the one left); the index sweeps once a period and once per death however many ask.
/// </summary>
/// <remarks>Reads this silo's membership snapshot every <see cref="Watch"/>, as <c>WaveKeeper</c> does: no I/O but the wakes.</remarks>
internal sealed partial class ScheduleKeeper(IGrainFactory grains, IClusterMembershipService membership, TimeProvider time, ILogger<ScheduleKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    /// <summary>How often the membership snapshot is read for deaths.</summary>
    public static readonly TimeSpan Watch = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = logger;
    private readonly DeathWatch _deaths = new();
    private long _askedDeathVersion; // the membership version of the latest death the list was asked to wake for
    private long? _askedAt; // a timestamp, as the index's own: a clock set back holds nothing back

    public void Participate(ISiloLifecycle lifecycle)
        => ActiveSiloLoop.Subscribe(lifecycle, nameof(ScheduleKeeper), Watch, CheckAsync, time, _logger, runAtStart: true);

    // A wake for a death that fails does not hold back the periodic one: the list may live on a silo of the previous
    // build, which has no such method, during a rolling upgrade.
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        _deaths.Saw(membership.CurrentSnapshot);
        var death = _deaths.LatestDeath;
        var now = time.GetTimestamp();
        var sweep = grains.GetGrain<IScheduleSweep>(0);
        if (death > _askedDeathVersion && await AskAsync(() => sweep.WakeAfterDeathAsync(death)))
        {
            (_askedDeathVersion, _askedAt) = (death, now);
            return;
        }
        if ((_askedAt is not { } asked || time.GetElapsedTime(asked, now) >= Period) && await AskAsync(() => sweep.WakeAllAsync(Period))) _askedAt = now;
    }

    private async Task<bool> AskAsync(Func<Task> wake)
    {
        try
        {
            await wake();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(e.Message); // the list's silo died or its store is away: the next tick asks again, and the reminders stay
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "The schedules were not woken: {Error}")]
    private partial void LogSweepFailed(string error);
}
