namespace Surge.Cli.Simulation;

/// <summary>The summary the simulator prints for one policy.</summary>
/// <see cref="LastBacklogMs"/>: the last moment anything was queued.
/// <see cref="EndMs"/>, <see cref="FinalPods"/>, <see cref="WaitsMs"/>: when the last task finished, the pods then, and
/// every task's wait (for totals over silo groups); <see cref="Completed"/>, <see cref="Reclaims"/>,
/// <see cref="Requeued"/>: tasks finished, spot reclaims, and tasks a reclaim put back.
/// <see cref="Samples"/>: the cluster once a simulated second, for <c>--html</c>. <see cref="BusySlotSeconds"/>: slots
/// that ran work, summed over time (what the pod-seconds paid for that was used).
public sealed record SimulationResult(string Policy, double P95WaitMs, int MaxBacklog, double PodSeconds, int ScaleEvents, double TimeToDrainS, IReadOnlyList<string> Timeline,
    double LastBacklogMs = 0, double EndMs = 0, int FinalPods = 0, IReadOnlyList<double>? WaitsMs = null, int Completed = 0, int Reclaims = 0, int Requeued = 0,
    IReadOnlyList<SimulationSample>? Samples = null, double BusySlotSeconds = 0);

/// <summary>The simulated cluster at one moment: queued tasks, slots of the ready pods, pods asked for, pods ready.</summary>
public readonly record struct SimulationSample(double AtS, int Backlog, int Slots, int PodsRequested, int PodsReady);

/// <summary>Runs a workload through a simulated cluster under one policy, on a virtual clock, in 10 ms steps.</summary>
public static class AutoscaleSimulator
{
    private const double StepMs = 10;
    private const double TimelineEveryMs = 10_000;

    /// <summary>
    /// Runs until every task finished, and on to <paramref name="untilMs"/> if that is later: a silo group's pods live
    /// on (and its policy goes on deciding) while other groups still work.
    /// </summary>
    public static SimulationResult Run(IReadOnlyList<SimulatedTask> tasks, SimulationOptions options, Func<TimeProvider, SimulatedPolicy> createPolicy, double untilMs = 0)
    {
        var clock = new VirtualClock();
        var policy = createPolicy(clock);
        var cluster = new SimulatedCluster(options);
        cluster.AddPods(policy.InitialReplicas(options), immediately: true);
        policy.Start(cluster);
        var waits = new List<double>(tasks.Count);
        var timeline = new List<string>();
        var samples = new List<SimulationSample>();
        int next = 0, maxBacklog = 0, arrivedThisSecond = 0, startedThisSecond = 0;
        double startedMsThisSecond = 0, peakAtMs = 0, drainedAtMs = 0, lastBacklogMs = 0;
        var meanDurationMs = 0.0;
        var reclaimEveryMs = options.SpotReclaimEvery.TotalMilliseconds;
        var nextReclaimMs = reclaimEveryMs;
        while (next < tasks.Count || !cluster.Idle || cluster.NowMs < untilMs)
        {
            while (next < tasks.Count && tasks[next].AtMs <= cluster.NowMs)
            {
                cluster.Queue.Enqueue(tasks[next++]);
                arrivedThisSecond++;
            }
            if (reclaimEveryMs > 0 && cluster.NowMs >= nextReclaimMs)
            {
                cluster.Reclaim();
                nextReclaimMs += reclaimEveryMs;
            }
            cluster.Step(StepMs, waits, ref startedMsThisSecond, ref startedThisSecond);
            clock.Set(cluster.NowMs);
            if (cluster.Queue.Count > maxBacklog)
            {
                maxBacklog = cluster.Queue.Count;
                peakAtMs = cluster.NowMs;
                drainedAtMs = 0;
            }
            if (cluster.Queue.Count > 0) lastBacklogMs = cluster.NowMs;
            if (drainedAtMs == 0 && maxBacklog > 0 && cluster.Queue.Count == 0) drainedAtMs = cluster.NowMs;
            if (cluster.NowMs % 1_000 < StepMs)
            {
                if (startedThisSecond > 0) meanDurationMs = startedMsThisSecond / startedThisSecond;
                policy.Tick(cluster, new SimulationSignals(arrivedThisSecond, meanDurationMs));
                samples.Add(new SimulationSample(cluster.NowMs / 1000, cluster.Queue.Count, cluster.Ready.Sum(p => p.Limit), cluster.Replicas, cluster.Ready.Count()));
                arrivedThisSecond = startedThisSecond = 0;
                startedMsThisSecond = 0;
            }
            if (cluster.NowMs % TimelineEveryMs < StepMs)
                timeline.Add($"t={cluster.NowMs / 1000,5:0}s backlog={cluster.Queue.Count,5} pods={cluster.Replicas,2} ready={cluster.Ready.Count(),2} concurrency={string.Join('/', cluster.Ready.Select(p => p.Limit))}");
        }
        var p95 = Percentiles.Of(waits, 0.95);
        return new SimulationResult(policy.Name, Math.Round(p95, 1), maxBacklog, Math.Round(cluster.PodMilliseconds / 1000, 1), cluster.ScaleEvents,
            Math.Round(Math.Max(0, drainedAtMs - peakAtMs) / 1000, 1), timeline, lastBacklogMs,
            cluster.NowMs, cluster.Pods.Count, waits, cluster.Completed, cluster.Reclaims, cluster.RequeuedTasks, samples,
            Math.Round(cluster.BusySlotMilliseconds / 1000, 1));
    }

    /// <summary>The simulation's clock: the real policy reads time from it.</summary>
    private sealed class VirtualClock : TimeProvider
    {
        private static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private DateTimeOffset _now = Origin;

        public void Set(double ms) => _now = Origin.AddMilliseconds(ms);
        public override DateTimeOffset GetUtcNow() => _now;
    }
}
