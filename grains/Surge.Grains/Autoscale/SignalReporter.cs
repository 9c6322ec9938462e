using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Pools;

namespace Surge.Autoscale;

/// <summary>
/// Every <see cref="AutoscaleOptions.Interval"/>, and at once when a backlog appears, this silo tells the autoscale
/// grain what its pools did: queue, oldest wait, running, limit, arrival and completion rates, mean duration, CPU and memory.
/// </summary>
internal sealed partial class SignalReporter(PoolRunner executor, IGrainFactory grains, ILocalSiloDetails silo,
    IOptions<AutoscaleOptions> options, TimeProvider time, ILogger<SignalReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ILogger _logger = logger;
    // A report is due early when a backlog appears, but never more often than this.
    private static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(SignalReporter), ServiceLifecycleStage.Active, _ => Start(), StopAsync);

    private Task Start()
    {
        if (!options.Value.Enabled) return Task.CompletedTask;
        executor.Backlogged += () =>
        {
            if (_wake.CurrentCount == 0) try { _wake.Release(); } catch (SemaphoreFullException) { } // already due
        };
        _loop = Task.Run(LoopAsync);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync()
    {
        var key = silo.SiloAddress.ToParsableString();
        var previous = executor.GetStats(key);
        var previousAt = time.GetTimestamp();
        var previousCpu = Process.GetCurrentProcess().TotalProcessorTime;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(options.Value.Interval, _stop.Token);
                var sinceLast = time.GetElapsedTime(previousAt);
                if (sinceLast < MinSpacing) await Task.Delay(MinSpacing - sinceLast, time, _stop.Token);
                var now = time.GetTimestamp();
                var seconds = Math.Max(0.001, time.GetElapsedTime(previousAt, now).TotalSeconds);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var current = executor.GetStats(key);
                var pools = current.Select(p => Signal(p, previous.FirstOrDefault(q => q.Pool == p.Pool) ?? p, seconds)).ToArray();
                var cpuShare = (cpu - previousCpu).TotalSeconds / seconds / Environment.ProcessorCount;
                await grains.GetGrain<IAutoscaleReporting>(0).ReportAsync(
                    new SiloSignal(key, time.GetUtcNow(), cpuShare, executor.MemoryInUseMb, executor.MemoryBudgetMb, pools));
                (previous, previousAt, previousCpu) = (current, now, cpu);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogReportFailed(e); // the next interval reports again
            }
        }
    }

    // Actual: of what finished in the interval. Predicted: of what arrived with a prediction in it, so a pool that has
    // finished nothing yet (a backlog of long work at start) still tells the autoscaler how long its work should take.
    internal static PoolSignal Signal(PoolStats now, PoolStats before, double seconds)
    {
        var completed = now.Completed - before.Completed;
        var meanActual = completed > 0 ? (now.RunMsTotal - before.RunMsTotal) / completed : 0;
        var predicted = now.PredictedArrived - before.PredictedArrived;
        var meanPredicted = predicted > 0 ? (now.PredictedMsTotal - before.PredictedMsTotal) / predicted : 0;
        return new PoolSignal(now.Pool, now.Queued, now.OldestWaitMs, now.Running, now.Limit, now.Min, now.Max,
            (now.Arrived - before.Arrived) / seconds, completed / seconds, meanActual, meanPredicted);
    }

    [LoggerMessage(1, LogLevel.Debug, "Could not report signals to the autoscaler")]
    private partial void LogReportFailed(Exception exception);
}
