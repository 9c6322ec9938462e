using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Surge.Pools;

/// <summary>
/// Graceful stop: before Orleans deactivates this silo's grains, the pools stop taking work, hands its queue over
/// (cluster mode) and waits for running tasks to finish and report. Of <see cref="DrainOptions.Timeout"/>, a third (at
/// most 10 s) is kept for Orleans to deactivate grains and leave the membership, so the process exits within it. Runs
/// that would outlive the process (<see cref="IOutlivingRuns"/>, programs) are ended first, within half of that share.
/// The other silos hear at once that this one drains (<see cref="DrainNotice"/>, repeated to those that join meanwhile;
/// none in unit tests), so they place no shard, grain or pool work here meanwhile.
/// </summary>
internal sealed partial class SiloDrain(PoolRunner pools, DrainSignal signal, RecoveryOptions recovery, IOptions<DrainOptions> options,
    TimeProvider time, ILogger<SiloDrain> logger, IEnumerable<IOutlivingRuns> outliving, DrainNotice? notice) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ILogger _logger = logger;

    private readonly Lock _lock = new();
    private Task? _drain;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);

    /// <summary>
    /// Drains once, however often it is asked: the host asks as soon as it starts stopping (while HTTP still answers,
    /// so readiness reports the drain), Orleans asks again before it deactivates grains.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return _drain ??= RunAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var wait = TasksBudget(options.Value.Timeout);
        LogDraining(wait, recovery.RedispatchOnActivation);
        // Beside the drain, not before it: the notice waits at most DrainNotice.Timeout, so the stop waits for it only
        // when the drain ends sooner than that.
        var told = notice?.TellAsync(options.Value.Timeout) ?? Task.CompletedTask;
        try
        {
            var result = await pools.DrainAsync(recovery.RedispatchOnActivation, wait, cancellationToken);
            await told;
            // A drain that left nothing behind is routine (every embedded command ends with one); one that handed work
            // over or gave runs up is what an operator looks for.
            var level = result.HandedOver > 0 || result.Unfinished > 0 ? LogLevel.Warning : LogLevel.Information;
            LogDrained(level, time.GetElapsedTime(started).TotalMilliseconds, result.HandedOver, result.Unfinished);
        }
        finally
        {
            // Past the timeout (or when the host stops waiting) what still runs is given up; a program's process group
            // would outlive the process and overlap its task's next run. A host that stopped waiting gives no grace.
            await StopOutlivingAsync(cancellationToken.IsCancellationRequested ? TimeSpan.Zero : OutlivingGrace(options.Value.Timeout));
            // Waits on this silo's shards end now, drained or not (the host may have stopped waiting): their callers
            // ask again where the shard goes next.
            signal.Fire();
        }
    }

    private async Task StopOutlivingAsync(TimeSpan grace)
    {
        foreach (var runs in outliving)
        {
            try
            {
                await runs.StopAllAsync(grace);
            }
            catch (Exception e)
            {
                LogStopOutlivingFailed(e); // the silo stops all the same
            }
        }
    }

    internal static TimeSpan TasksBudget(TimeSpan timeout) => timeout - OrleansShare(timeout);

    /// <summary>What the timeout keeps for Orleans to deactivate grains and leave the membership: a third, at most 10 s.</summary>
    internal static TimeSpan OrleansShare(TimeSpan timeout) => TimeSpan.FromTicks(Math.Min(timeout.Ticks / 3, TimeSpan.TicksPerSecond * 10));

    /// <summary>
    /// How long a run given up at the drain timeout may take between SIGTERM and SIGKILL: half of what the timeout
    /// keeps for Orleans, so the silo still leaves the cluster within the timeout.
    /// </summary>
    internal static TimeSpan OutlivingGrace(TimeSpan timeout) => OrleansShare(timeout) / 2;

    [LoggerMessage(1, LogLevel.Information, "Draining: no new work; waiting up to {Timeout} for running tasks (hand over queued work: {HandOver})")]
    private partial void LogDraining(TimeSpan timeout, bool handOver);

    [LoggerMessage(EventId = 2, Message = "Drained in {ElapsedMs:F0} ms: {HandedOver} queued tasks handed over, {Unfinished} unfinished at the timeout")]
    private partial void LogDrained(LogLevel level, double elapsedMs, int handedOver, int unfinished);

    [LoggerMessage(3, LogLevel.Error, "Draining: ending runs that would outlive this silo failed")]
    private partial void LogStopOutlivingFailed(Exception exception);
}
