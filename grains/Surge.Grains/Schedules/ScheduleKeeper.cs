using Microsoft.Extensions.Logging;
using Surge.Background;

namespace Surge.Schedules;

/// <summary>
/// Every <see cref="Period"/>, asks the schedule index to wake every schedule, so a schedule whose silo died or was
/// restarted fires again within seconds, as a Hangfire server's 15 s poll of recurring jobs would, not at its next
/// one-minute reminder tick. Every silo asks (any of them may be the one left); the index sweeps once a period.
/// </summary>
internal sealed partial class ScheduleKeeper(IGrainFactory grains, TimeProvider time, ILogger<ScheduleKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger = logger;

    public void Participate(ISiloLifecycle lifecycle)
        => ActiveSiloLoop.Subscribe(lifecycle, nameof(ScheduleKeeper), Period, SweepAsync, time, _logger, runAtStart: true);

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IScheduleSweep>(0).WakeAllAsync(Period);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(e.Message); // the index's silo died or its store is away: the next tick, or the reminders
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "The schedules were not woken: {Error}")]
    private partial void LogSweepFailed(string error);
}
