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
/// Pods (slow, expensive): only when a backlog persists for <see cref="AutoscaleOptions.SustainedBacklog"/> with a
/// pool at its ceiling or a silo saturated; the lowest recommendation of the scale-up window, at least one more pod;
/// then the backlog must persist a whole window again. Down only with no backlog: the highest recommendation of the
/// scale-down window, at most once per window, never below the minimum. A cooldown follows every change.
/// </summary>
public sealed class AutoscalePolicy(AutoscaleOptions options, TimeProvider time)
{
    private const double FallbackDurationMs = 50; // a pool that has finished nothing yet

    private readonly Dictionary<(string Silo, PoolKind Pool), DateTimeOffset> _lastQueued = [];
    private readonly Queue<(DateTimeOffset At, int Replicas)> _recommendations = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private DateTimeOffset? _saturatedSince;
    private DateTimeOffset? _lastReplicaChange;
    private DateTimeOffset? _lastScaleDown;

    public IReadOnlyList<AutoscaleDecision> Decide(IReadOnlyList<SiloSignal> silos, int replicas)
    {
        var now = time.GetUtcNow();
        var decisions = new List<AutoscaleDecision>();
        double demand = 0, ceiling = 0;
        var backlog = 0;
        var saturated = false;
        foreach (var silo in silos)
        {
            foreach (var pool in silo.Pools)
            {
                var needed = SlotsNeeded(pool);
                demand += needed;
                ceiling += pool.Max;
                backlog += pool.Queued;
                // A pool its silo sizes (short reserve from its bursts, long the rest) is not on this grain's path.
                var (limit, reason) = pool.SizedBySilo ? (pool.Limit, "") : Concurrency(silo, pool, needed, now);
                if (limit != pool.Limit)
                    decisions.Add(AutoscaleDecision.Concurrency(now, silo.Silo, pool.Pool, pool.Limit, limit, reason, Inputs(silo, pool, needed)));
                if (pool.Queued > 0 && (limit >= pool.Max || silo.Cpu >= options.CpuCeiling)) saturated = true;
            }
        }
        if (Replicas(replicas, backlog, saturated, demand, ceiling, now) is { } change) decisions.Add(change);
        return decisions;
    }

    private double SlotsNeeded(PoolSignal pool)
    {
        var seconds = (pool.MeanActualMs > 0 ? pool.MeanActualMs : pool.MeanPredictedMs > 0 ? pool.MeanPredictedMs : FallbackDurationMs) / 1000;
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

    private AutoscaleDecision? Replicas(int replicas, int backlog, bool saturated, double demand, double ceiling, DateTimeOffset now)
    {
        _saturatedSince = backlog > 0 && saturated ? _saturatedSince ?? now : null;
        var proportional = ceiling > 0 ? (int)Math.Ceiling(replicas * demand / ceiling) : replicas;
        var recommended = _saturatedSince is not null
            ? Math.Clamp(proportional, Math.Min(replicas + 1, options.MaxReplicas), options.MaxReplicas)
            : backlog == 0 ? Math.Clamp(proportional, options.MinReplicas, replicas) : replicas;
        recommended = Math.Clamp(recommended, options.MinReplicas, options.MaxReplicas);
        _recommendations.Enqueue((now, recommended));
        var keep = options.ScaleUpStabilization > options.ScaleDownStabilization ? options.ScaleUpStabilization : options.ScaleDownStabilization;
        while (_recommendations.Peek().At < now - keep) _recommendations.Dequeue();

        if (_lastReplicaChange is { } last && now - last < options.Cooldown) return null;
        var inputs = F($"replicas {replicas}, backlog {backlog}, demand {demand:0.0} of {ceiling:0} slots at ceiling");
        if (_saturatedSince is { } since && now - since >= options.SustainedBacklog)
        {
            var target = Math.Min(options.MaxReplicas, Window(now, options.ScaleUpStabilization).Min());
            if (target <= replicas) return null;
            _lastReplicaChange = now;
            _saturatedSince = now; // the new pods take a while: the backlog must persist a whole window again
            return AutoscaleDecision.Replicas(now, replicas, target,
                F($"backlog for {(now - since).TotalSeconds:0}s with concurrency at its ceiling"), inputs);
        }
        if (backlog == 0 && replicas > options.MinReplicas && now - _startedAt >= options.ScaleDownStabilization
            && (_lastScaleDown is not { } down || now - down >= options.ScaleDownStabilization))
        {
            var target = Math.Max(options.MinReplicas, Window(now, options.ScaleDownStabilization).Max());
            if (target >= replicas) return null;
            _lastReplicaChange = _lastScaleDown = now;
            return AutoscaleDecision.Replicas(now, replicas, target,
                F($"no backlog, demand fits {target} pods over the last {options.ScaleDownStabilization.TotalSeconds:0}s"), inputs);
        }
        return null;
    }

    private IEnumerable<int> Window(DateTimeOffset now, TimeSpan window)
        => _recommendations.Where(r => r.At >= now - window).Select(r => r.Replicas);

    private static string Inputs(SiloSignal silo, PoolSignal pool, double needed) => F(
        $"queued {pool.Queued}, oldest {pool.OldestWaitMs:0} ms, running {pool.Running}/{pool.Limit}, arrivals {pool.ArrivalPerSecond:0.#}/s, mean {pool.MeanActualMs:0.#} ms, cpu {silo.Cpu:P0}, memory {silo.MemoryInUseMb:0}/{silo.MemoryBudgetMb:0} MiB, needs {needed:0.0}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
