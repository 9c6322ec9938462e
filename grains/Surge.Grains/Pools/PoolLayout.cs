using Surge.Workers;

namespace Surge.Pools;

/// <summary>Which pools a silo runs, with their bounds and starting limits, from the routing mode and options.</summary>
internal static class PoolLayout
{
    public static PoolSlots[] Create(PoolShape shape, int maxConcurrency, PoolsOptions options, long ticksPerSecond)
    {
        // A plain FIFO queue with every slot: the honest baseline, with nothing reserved for work that never comes.
        if (shape.Mode == RoutingMode.Single)
            return shape.Hosts(PoolKind.Single) ? [new PoolSlots(PoolKind.Single, 1, maxConcurrency, maxConcurrency) { SizedBySilo = shape.Adaptive }] : [];

        // A silo of a group that hosts one of the two pools (silo groups): that pool has the whole silo, since no
        // other work here could need a slot; its own Min/Max/Initial still bound it.
        if (shape.Hosts(PoolKind.Short) != shape.Hosts(PoolKind.Long))
        {
            var (kind, only) = shape.Hosts(PoolKind.Short) ? (PoolKind.Short, options.Short) : (PoolKind.Long, options.Long);
            var max = Max(only, maxConcurrency);
            return [new PoolSlots(kind, only.Min, max, only.Initial != 0 ? only.Initial : max) { SizedBySilo = shape.Adaptive }];
        }
        if (!shape.Hosts(PoolKind.Short)) return [];

        var shortMax = Max(options.Short, maxConcurrency);
        var longMax = Max(options.Long, maxConcurrency);
        var shortLimit = options.Short.Initial != 0 ? options.Short.Initial : Math.Clamp(maxConcurrency / 8, options.Short.Min, shortMax);
        var longLimit = options.Long.Initial != 0 ? options.Long.Initial : Math.Clamp(maxConcurrency - shortLimit, options.Long.Min, longMax);
        // Adaptive: the short reserve follows the short pool's own bursts, and the long pool's limit is only a bound
        // (its share is whatever the reserve leaves), so neither waits for the cluster's autoscaler.
        var reserve = shape.Adaptive
            ? new BurstReserve(options.Short.Min, Math.Max(options.Short.Min, Math.Min(shortMax, maxConcurrency - options.Long.Min)), options.ShortReserveQuantile, ticksPerSecond, maxConcurrency)
            : null;
        if (shape.Adaptive && options.Long.Initial == 0) longLimit = longMax;
        // Adaptive: a long-pool task the router's point guess calls short (or nearly, when it is a guess) starts first
        // among long work, and may take an idle reserve slot (see PoolLedger.Lend); a hand-set reserve is kept whole,
        // so only when the silo sizes it.
        var longPool = new PoolSlots(PoolKind.Long, options.Long.Min, longMax, longLimit)
        {
            SizedBySilo = shape.Adaptive,
            FirstBelowMs = shape.Adaptive ? shape.ShortThresholdMs * PoolSlots.FirstBelowThresholds : null,
            LendBelowMs = shape.Adaptive ? shape.ShortThresholdMs : null,
            GuessBelowMs = shape.Adaptive ? shape.ShortThresholdMs * PoolSlots.GuessBelowThresholds : null,
        };
        var shortPool = new PoolSlots(PoolKind.Short, options.Short.Min, shortMax, reserve?.Size ?? shortLimit)
            { SharesWith = longPool, Reserve = reserve, SizedBySilo = shape.Adaptive };
        longPool.YieldsTo = shortPool;
        return [shortPool, longPool]; // dispatch order: short work first
    }

    private static int Max(PoolOptions pool, int maxConcurrency) => pool.Max == 0 ? maxConcurrency : pool.Max;
}

/// <summary>
/// Which layout this silo's pools take, handed over by the composition root so pools need not know routing or the
/// autoscaler: the routing mode, whether the pools size themselves (the autoscaler is on) or keep their limits, the
/// pools this silo hosts (<c>Surge:Silo:Pools</c>; null or empty: all), and the router's short threshold
/// (<c>Surge:Routing:ShortThresholdMs</c>), which tells the long pool which of its tasks the point guess calls short.
/// </summary>
internal sealed record PoolShape(RoutingMode Mode, bool Adaptive = false, IReadOnlyCollection<PoolKind>? Pools = null,
    double ShortThresholdMs = Routing.RoutingOptions.DefaultShortThresholdMs)
{
    public bool Hosts(PoolKind pool) => Pools is not { Count: > 0 } || Pools.Contains(pool);
}
