namespace Surge.Autoscale;

/// <summary>
/// The cluster's totals for one interval, in slots (a slot-second is one slot busy for a second): what
/// <see cref="PodPolicy"/> decides pods from. <see cref="Silos"/> reported and are not draining (<see cref="Reachable"/>
/// and <see cref="Ceiling"/> are theirs alone); <see cref="Replicas"/> is what the StatefulSet has now (asked-for pods
/// may not report yet).
/// </summary>
internal readonly record struct PodLoad(
    int Replicas,
    int Silos,
    int Backlog,
    double QueuedWork,
    double Arriving,
    double Reachable,
    double Demand,
    double Ceiling,
    bool Saturated)
{
    /// <summary>
    /// The slots a pool can reach in-silo now: what the silo says, else its max, or its limit while the silo keeps it
    /// from rising (a CPU-bound pool at the CPU ceiling, memory at its budget).
    /// </summary>
    public static int ReachableSlots(SiloSignal silo, PoolSignal pool, AutoscaleOptions options)
    {
        if (pool.Reachable > 0) return pool.Reachable;
        var blocked = (options.CpuBoundPools.Contains(pool.Pool) && silo.Cpu >= options.CpuCeiling) || silo.MemoryInUseMb >= silo.MemoryBudgetMb;
        return blocked ? Math.Min(pool.Limit, pool.Max) : pool.Max;
    }
}
