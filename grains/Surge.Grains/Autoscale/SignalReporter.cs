using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Background;
using Surge.Pools;
using Surge.Silos;
using Surge.Telemetry;

namespace Surge.Autoscale;

/// <summary>
/// Every <see cref="AutoscaleOptions.Interval"/>, and at once when a backlog appears, this silo tells the autoscale
/// grain what its pools did: queue, oldest wait, running, limit, arrival and completion rates, mean duration, CPU and memory
/// (and the peak memory of one task, for the group's memory recommendation).
/// </summary>
internal sealed partial class SignalReporter(PoolRunner executor, IGrainFactory grains, ILocalSiloDetails silo,
    IOptions<AutoscaleOptions> options, IOptions<SiloGroupOptions> group, TaskMemoryPeaks memory, TimeProvider time, ILogger<SignalReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ILogger _logger = logger;
    // A report is due early when a backlog appears, but never more often than this.
    private static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(100);

    private BackgroundLoop? _loop;
    private PoolStats[] _previous = [];
    private long _previousAt;
    private TimeSpan _previousCpu;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(SignalReporter), ServiceLifecycleStage.Active, _ => Start(), StopAsync);

    private Task Start()
    {
        if (!options.Value.Enabled) return Task.CompletedTask;
        (_previous, _previousAt, _previousCpu) = (executor.GetStats(Key), time.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime);
        var loop = _loop = BackgroundLoop.Start(nameof(SignalReporter), options.Value.Interval, ReportAsync, time, _logger, MinSpacing);
        executor.Backlogged += loop.Wake;
        return Task.CompletedTask;
    }

    private Task StopAsync(CancellationToken cancellationToken) => _loop?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    private string Key => silo.SiloAddress.ToParsableString();

    // One run at a time (the loop's): the previous snapshot needs no lock.
    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var seconds = Math.Max(0.001, time.GetElapsedTime(_previousAt, now).TotalSeconds);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var peaks = memory.Take();
        var current = executor.GetStats(Key);
        var pools = current.Select(p => Signal(p, _previous.FirstOrDefault(q => q.Pool == p.Pool) ?? p, seconds)).ToArray();
        var cpuShare = (cpu - _previousCpu).TotalSeconds / seconds / Environment.ProcessorCount;
        var signal = new SiloSignal(Key, time.GetUtcNow(), cpuShare, executor.MemoryInUseMb, executor.MemoryBudgetMb, pools, executor.MaxConcurrency, group.Value.Group,
            peaks.ObservedMb, peaks.PredictedMb, process.WorkingSet64 / (1024.0 * 1024.0), executor.IsDraining);
        signal = signal with { Pools = [.. pools.Select(p => p with { Reachable = PodLoad.ReachableSlots(signal, p, options.Value) })] };
        try
        {
            await grains.GetGrain<IAutoscaleReporting>(0).ReportAsync(signal);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogReportFailed(e); // the next interval reports again, over both intervals
            memory.Observe(peaks.PredictedMb, peaks.ObservedMb);
            return;
        }
        (_previous, _previousAt, _previousCpu) = (current, now, cpu);
    }

    // Actual: of what finished in the interval. Predicted: of what arrived with a prediction in it, so a pool that has
    // finished nothing yet (a backlog of long work at start) still tells the autoscaler how long its work should take.
    // Queued work: the pool keeps no sum of its queue's predictions, so queued × the mean prediction (the interval's,
    // else since start; else the actual mean) stands in for it.
    internal static PoolSignal Signal(PoolStats now, PoolStats before, double seconds)
    {
        var completed = now.Completed - before.Completed;
        var meanActual = completed > 0 ? (now.RunMsTotal - before.RunMsTotal) / completed : 0;
        var predicted = now.PredictedArrived - before.PredictedArrived;
        var meanPredicted = predicted > 0 ? (now.PredictedMsTotal - before.PredictedMsTotal) / predicted : 0;
        var perTask = meanPredicted > 0 ? meanPredicted
            : now.PredictedArrived > 0 ? now.PredictedMsTotal / now.PredictedArrived
            : meanActual > 0 ? meanActual
            : now.Completed > 0 ? now.RunMsTotal / now.Completed : 0;
        return new PoolSignal(now.Pool, now.Queued, now.OldestWaitMs, now.Running, now.Limit, now.Min, now.Max,
            (now.Arrived - before.Arrived) / seconds, completed / seconds, meanActual, meanPredicted, QueuedWorkMs: now.Queued * perTask, SizedBySilo: now.SizedBySilo);
    }

    [LoggerMessage(1, LogLevel.Debug, "Could not report signals to the autoscaler")]
    private partial void LogReportFailed(Exception exception);
}
