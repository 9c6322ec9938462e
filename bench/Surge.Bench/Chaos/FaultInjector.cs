namespace Surge.Bench.Chaos;

/// <summary>
/// Carries out the schedule against the cluster. A fault's slot that another fault is acting on (stopping or
/// restarting) gives way to the next running slot; when none runs, the fault is skipped and noted. Every kill -9
/// starts a recovery probe.
/// </summary>
/// <remarks>
/// A partition holds its slot until the silo serves again: Orleans declares a silo the others cannot reach dead, and
/// the silo, still running, stops itself once it learns so (a fail-fast exit); that exit is journaled like a kill's
/// (its open runs end there) and the slot is restarted. A silo that outlives the wait after the heal is left running.
/// </remarks>
internal sealed class FaultInjector(ChaosCluster cluster, FaultJournal journal, RecoveryProbes probes, TimeSpan partitionLength,
    TimeSpan stallLength, (TimeSpan Min, TimeSpan Max) slowDelay, string slowLinks = "all")
{
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(60), ZombieWait = TimeSpan.FromSeconds(90);
    private readonly List<Task> _acting = [];
    private readonly Lock _gate = new();

    /// <summary>Runs the schedule; returns once the last fault and every restart it caused are done.</summary>
    public async Task RunAsync(IReadOnlyList<PlannedFault> schedule)
    {
        foreach (var fault in schedule)
        {
            var due = journal.Start + TimeSpan.FromSeconds(fault.AtS) - DateTimeOffset.UtcNow;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var acting = fault.Kind switch
            {
                FaultKind.Kill9 => KillAsync(fault),
                FaultKind.Sigterm => RollingRestartAsync(fault),
                FaultKind.Partition => PartitionAsync(fault),
                FaultKind.Stall => StallAsync(fault),
                FaultKind.Slow => SlowAsync(),
                _ => CutAsync(),
            };
            lock (_gate) _acting.Add(acting);
        }
        Task[] all;
        lock (_gate) all = [.. _acting];
        await Task.WhenAll(all);
    }

    private async Task KillAsync(PlannedFault fault)
    {
        if (Take(fault) is not { } silo) return;
        try
        {
            var pid = silo.Kill();
            var at = DateTimeOffset.UtcNow;
            journal.ProcessEnded(pid, at);
            journal.Note("kill9", new { slot = silo.Slot, pid });
            probes.Start(at);
            await Task.Delay(FaultSchedule.RestartAfterKill);
            await RestartAsync(silo, "kill9");
        }
        finally
        {
            silo.Busy = false;
        }
    }

    private async Task RollingRestartAsync(PlannedFault fault)
    {
        if (Take(fault) is not { } silo) return;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (pid, exited) = await silo.TerminateAsync(DrainWait);
            journal.ProcessEnded(pid, DateTimeOffset.UtcNow);
            journal.Note("sigterm", new { slot = silo.Slot, pid, exit_s = Math.Round(clock.Elapsed.TotalSeconds, 1), drained = exited });
            await RestartAsync(silo, "sigterm");
        }
        finally
        {
            silo.Busy = false;
        }
    }

    private async Task PartitionAsync(PlannedFault fault)
    {
        if (Take(fault) is not { } silo) return;
        try
        {
            var pid = silo.Pid;
            var from = DateTimeOffset.UtcNow;
            cluster.Partition(silo, pid);
            journal.Note("partition", new { slot = silo.Slot, pid, seconds = partitionLength.TotalSeconds });
            await Task.Delay(partitionLength);
            var healed = DateTimeOffset.UtcNow;
            var reset = cluster.HealPartition();
            journal.Note("partition_healed", new { slot = silo.Slot, pid, reset_connections = reset, running = silo.Pid == pid }, counts: false);
            if (await silo.WaitForExitAsync(ZombieWait) is not { } exited)
            {
                journal.Partition(from, DateTimeOffset.UtcNow);
                journal.Note("partition_survived", new { slot = silo.Slot, pid, waited_s = ZombieWait.TotalSeconds }, counts: false);
                return;
            }
            journal.ProcessEnded(pid, exited);
            journal.Note("partition_exit", new { slot = silo.Slot, pid, after_cut_s = Seconds(exited - from), after_heal_s = Seconds(exited - healed) }, counts: false);
            await RestartAsync(silo, "partition");
            journal.Partition(from, DateTimeOffset.UtcNow);
        }
        finally
        {
            silo.Busy = false;
        }
    }

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 1);

    /// <summary>
    /// As Kubernetes restarts a pod whose container exits: a silo that exits while no fault acts on its slot (declared
    /// dead by a partitioned peer, say) is journaled as ended (its open runs end there) and started again, until
    /// <paramref name="stop"/>. Before, such a slot stayed empty for the rest of the run, and later faults on it were
    /// skipped ("no running silo is free").
    /// </summary>
    public async Task SuperviseAsync(CancellationToken stop)
    {
        var restarts = new List<Task>();
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                foreach (var silo in cluster.Silos)
                {
                    lock (_gate)
                    {
                        if (silo.Busy || silo.Exited is not { } exit) continue;
                        silo.Busy = true;
                        restarts.Add(RestartExitedAsync(silo, exit));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(restarts);
    }

    private async Task RestartExitedAsync(ChaosSilo silo, (int Pid, int Code, DateTimeOffset At) exit)
    {
        try
        {
            journal.ProcessEnded(exit.Pid, exit.At);
            journal.Note("exit", new { slot = silo.Slot, pid = exit.Pid, code = exit.Code, at_s = Seconds(exit.At - journal.Start) }, counts: false);
            await RestartAsync(silo, "exit");
        }
        finally
        {
            silo.Busy = false;
        }
    }

    // As Kubernetes restarts a pod whose silo exits while starting (declared dead by a silo cut off from the rest, say),
    // a failed start is tried again a few times before the run gives up.
    private async Task RestartAsync(ChaosSilo silo, string after)
    {
        const int Attempts = 5;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await silo.StartAsync();
                journal.Note("restarted", new { slot = silo.Slot, pid = silo.Pid, after, attempt, ready_s = Math.Round(clock.Elapsed.TotalSeconds, 1) }, counts: false);
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                journal.Note("restart_failed", new { slot = silo.Slot, after, attempt, error = e.Message });
                if (attempt == Attempts) throw;
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private async Task CutAsync()
    {
        cluster.Link.Cut();
        var from = DateTimeOffset.UtcNow;
        journal.Note("cut", new { seconds = FaultSchedule.CutLength.TotalSeconds });
        await Task.Delay(FaultSchedule.CutLength);
        var reset = cluster.Link.Heal();
        journal.Cut(from, DateTimeOffset.UtcNow);
        journal.Note("heal", new { reset_connections = reset }, counts: false);
    }

    private async Task StallAsync(PlannedFault fault)
    {
        var sleep = fault.Slot == 1;
        var from = DateTimeOffset.UtcNow;
        journal.Note("stall", new { seconds = stallLength.TotalSeconds, how = sleep ? "DEBUG SLEEP" : "SIGSTOP" });
        await cluster.StallRedisAsync(stallLength, sleep);
        journal.Stall(from, DateTimeOffset.UtcNow);
        journal.Note("stall_over", new { after_s = Seconds(DateTimeOffset.UtcNow - from) }, counts: false);
    }

    private async Task SlowAsync()
    {
        cluster.Slow(slowDelay.Min, slowDelay.Max, redis: slowLinks != "silos", silos: slowLinks != "redis");
        var from = DateTimeOffset.UtcNow;
        journal.Note("slow", new { seconds = FaultSchedule.SlowLength.TotalSeconds, min_ms = slowDelay.Min.TotalMilliseconds, max_ms = slowDelay.Max.TotalMilliseconds, links = slowLinks });
        await Task.Delay(FaultSchedule.SlowLength);
        cluster.Fast();
        journal.Slow(from, DateTimeOffset.UtcNow);
        journal.Note("fast", new { }, counts: false);
    }

    private ChaosSilo? Take(PlannedFault fault)
    {
        lock (_gate)
        {
            var silos = cluster.Silos;
            for (var i = 0; i < silos.Count; i++)
            {
                var silo = silos[(fault.Slot + i) % silos.Count];
                if (silo.Busy || silo.Pid == 0) continue;
                silo.Busy = true;
                return silo;
            }
        }
        journal.Note("skipped", new { kind = fault.Kind.ToString(), slot = fault.Slot, why = "no running silo is free" });
        return null;
    }
}
