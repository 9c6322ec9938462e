using Surge.Workers;

namespace Surge.Pools;

/// <summary>Which pools a silo runs, with their bounds and starting limits, from the routing mode and options.</summary>
internal static class PoolLayout
{
    public static PoolSlots[] Create(RoutingMode mode, int maxConcurrency, PoolsOptions options)
    {
        // A plain FIFO queue with every slot: the honest baseline, with nothing reserved for work that never comes.
        if (mode == RoutingMode.Single)
            return [new PoolSlots(PoolKind.Single, 1, maxConcurrency, maxConcurrency, lender: null)];

        var shortMax = Max(options.Short, maxConcurrency);
        var longMax = Max(options.Long, maxConcurrency);
        var shortLimit = options.Short.Initial != 0 ? options.Short.Initial : Math.Clamp(maxConcurrency / 8, options.Short.Min, shortMax);
        var longLimit = options.Long.Initial != 0 ? options.Long.Initial : Math.Clamp(maxConcurrency - shortLimit, options.Long.Min, longMax);
        var longPool = new PoolSlots(PoolKind.Long, options.Long.Min, longMax, longLimit, lender: null);
        var shortPool = new PoolSlots(PoolKind.Short, options.Short.Min, shortMax, shortLimit, lender: longPool);
        return [shortPool, longPool]; // dispatch order: short work first
    }

    private static int Max(PoolOptions pool, int maxConcurrency) => pool.Max == 0 ? maxConcurrency : pool.Max;
}

/// <summary>Which layout this silo's pools take: the routing mode, handed over by the composition root so pools need not know routing.</summary>
internal sealed record PoolShape(RoutingMode Mode);
