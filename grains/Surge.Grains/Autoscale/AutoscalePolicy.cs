using System.Globalization;

namespace Surge.Autoscale;

/// <summary>
/// Decides concurrency per pool per silo, and pods for the cluster, from one interval's signals. Pure: no Orleans,
/// no Kubernetes, time from a <see cref="TimeProvider"/>; the caller applies what it returns.
///
/// Concurrency (cheap, immediate): slots needed = arrivals/s × mean duration / target utilization (Little's law)
/// + backlog × mean duration / drain time, and at least one more than now while a queue waits on full slots. Raised at once to what is needed (within the pool's max, never for a
/// CPU-bound pool at the CPU ceiling, never past the memory budget); lowered by a step per interval once the pool has
/// had no queue for <see cref="AutoscaleOptions.ScaleInDelay"/>.
///
/// Pods (slow, expensive): <see cref="PodPolicy"/>, from the cluster's totals: queued predicted work, arriving work,
/// reachable in-silo slots (a draining silo's work counts, its slots do not).
/// </summary>
public sealed class AutoscalePolicy(AutoscaleOptions options, TimeProvider time)
{
    private const double FallbackDurationMs = 50; // a pool that has finished nothing yet

    private readonly Dictionary<(string Silo, PoolKind Pool), DateTimeOffset> _lastQueued = [];
    private readonly PodPolicy _pods = new(options, time);

    /// <summary>
    /// The changes one interval calls for, given every silo's latest signals and the pods the StatefulSet has now;
    /// empty when nothing should change. Keeps its own memory of past intervals (scale-in delays, cooldowns).
    /// </summary>
    public IReadOnlyList<AutoscaleDecision> Decide(IReadOnlyList<SiloSignal> silos, int replicas)
    {
        var now = time.GetUtcNow();
        var decisions = new List<AutoscaleDecision>();
        double demand = 0, ceiling = 0, queuedWork = 0, arriving = 0, reachable = 0;
        int backlog = 0, working = 0;
        var saturated = false;
        foreach (var silo in silos)
        {
            // The pools share the silo's slots: each may reach all of them, but together they reach no more.
            double siloCeiling = 0, siloReachable = 0;
            foreach (var pool in silo.Pools)
            {
                var needed = SlotsNeeded(pool);
                demand += needed;
                siloCeiling += pool.Max;
                backlog += pool.Queued;
                var seconds = Seconds(pool);
                queuedWork += pool.QueuedWorkMs > 0 ? pool.QueuedWorkMs / 1000 : pool.Queued * seconds;
                arriving += pool.ArrivalPerSecond * seconds;
                siloReachable += PodLoad.ReachableSlots(silo, pool, options);
                // A pool its silo sizes (short reserve from its bursts, long the rest) is not on this grain's path.
                var (limit, reason) = pool.SizedBySilo ? (pool.Limit, "") : Concurrency(silo, pool, needed, now);
                if (limit != pool.Limit)
                    decisions.Add(AutoscaleDecision.Concurrency(now, silo.Silo, pool.Pool, pool.Limit, limit, reason, Inputs(silo, pool, needed)));
                if (pool.Queued > 0 && (limit >= pool.Max || silo.Cpu >= options.CpuCeiling)) saturated = true;
            }
            // A draining silo (stopping: SIGTERM, a spot reclaim) takes no new work: what it has queued or arriving is
            // the group's work still, but its slots are no capacity, nor is it a pod capacity per pod is averaged over.
            if (silo.Draining) continue;
            working++;
            ceiling += silo.Slots > 0 ? Math.Min(siloCeiling, silo.Slots) : siloCeiling;
            reachable += silo.Slots > 0 ? Math.Min(siloReachable, silo.Slots) : siloReachable;
        }
        if (_pods.Decide(new PodLoad(replicas, working, backlog, queuedWork, arriving, reachable, demand, ceiling, saturated)) is { } change)
            decisions.Add(change);
        return decisions;
    }

    private static double Seconds(PoolSignal pool)
        => (pool.MeanActualMs > 0 ? pool.MeanActualMs : pool.MeanPredictedMs > 0 ? pool.MeanPredictedMs : FallbackDurationMs) / 1000;

    private double SlotsNeeded(PoolSignal pool)
    {
        var seconds = Seconds(pool);
        return pool.ArrivalPerSecond * seconds / options.TargetUtilization + pool.Queued * seconds / options.DrainTime.TotalSeconds;
    }

    private (int Limit, string Reason) Concurrency(SiloSignal silo, PoolSignal pool, double needed, DateTimeOffset now)
    {
        var key = (silo.Silo, pool.Pool);
        if (pool.Queued > 0 || !_lastQueued.ContainsKey(key)) _lastQueued[key] = now; // unseen pools start "just busy"
        // A queue while every slot is busy is a slot short now, whatever the averages say (they lag, and a pool that has
        // finished nothing yet has no duration to average).
        var floor = pool.Queued > 0 && pool.Running >= pool.Limit ? pool.Limit + 1 : 0;
        var desired = Math.Clamp(Math.Max((int)Math.Ceiling(needed), floor), pool.Min, pool.Max);
        if (desired > pool.Limit)
        {
            if (options.CpuBoundPools.Contains(pool.Pool) && silo.Cpu >= options.CpuCeiling)
                return (pool.Limit, "");
            if (silo.MemoryInUseMb >= silo.MemoryBudgetMb)
                return (pool.Limit, "");
            return (desired, F($"needs {needed:0.0} slots: backlog {pool.Queued}, {pool.ArrivalPerSecond:0.#}/s arriving"));
        }
        if (desired < pool.Limit && now - _lastQueued[key] >= options.ScaleInDelay)
        {
            var lowered = Math.Max(desired, pool.Limit - Math.Max(1, (int)Math.Ceiling(pool.Limit * options.ScaleInStep)));
            return (lowered, F($"no queue for {(now - _lastQueued[key]).TotalSeconds:0}s, needs {needed:0.0} slots"));
        }
        return (pool.Limit, "");
    }

    private static string Inputs(SiloSignal silo, PoolSignal pool, double needed) => F(
        $"queued {pool.Queued}, oldest {pool.OldestWaitMs:0} ms, running {pool.Running}/{pool.Limit}, arrivals {pool.ArrivalPerSecond:0.#}/s, mean {pool.MeanActualMs:0.#} ms, cpu {silo.Cpu:P0}, memory {silo.MemoryInUseMb:0}/{silo.MemoryBudgetMb:0} MiB, needs {needed:0.0}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
