namespace Surge.Series;

/// <summary>
/// The sojourns (submission to final state) of tasks that ended on this silo's shards since the last sample, per pool,
/// as a bounded uniform sample: past <see cref="MaxPerPool"/> a reservoir keeps each one with equal chance, so a
/// burst costs fixed memory and its percentiles stay unbiased. Thread-safe: every shard of the silo records here.
/// </summary>
internal sealed class SojournWindow
{
    /// <summary>Samples kept per pool between two samples of the series.</summary>
    public const int MaxPerPool = 2_048;

    private readonly Lock _lock = new();
    private readonly Dictionary<PoolKind, Reservoir> _pools = [];

    public void Record(PoolKind pool, double seconds, double random)
    {
        lock (_lock)
        {
            if (!_pools.TryGetValue(pool, out var r)) _pools[pool] = r = new Reservoir();
            r.Add(seconds, random);
        }
    }

    /// <summary>Percentiles of each pool's sojourns since the last call, and empties the window.</summary>
    public Dictionary<PoolKind, SojournPercentiles> Drain()
    {
        lock (_lock)
        {
            var result = _pools.Where(p => p.Value.Seen > 0).ToDictionary(p => p.Key, p => p.Value.Percentiles());
            _pools.Clear();
            return result;
        }
    }

    private sealed class Reservoir
    {
        private readonly List<double> _kept = [];

        public long Seen { get; private set; }

        // Algorithm R: the n-th value replaces a kept one with chance MaxPerPool / n.
        public void Add(double value, double random)
        {
            Seen++;
            if (_kept.Count < MaxPerPool) _kept.Add(value);
            else if ((long)(random * Seen) is var slot && slot < MaxPerPool) _kept[(int)slot] = value;
        }

        public SojournPercentiles Percentiles()
        {
            var sorted = _kept.Order().ToArray();
            return new(Seen, Surge.Percentiles.NearestRank<double>(sorted, 0.50), Surge.Percentiles.NearestRank<double>(sorted, 0.95),
                Surge.Percentiles.NearestRank<double>(sorted, 0.99));
        }
    }
}

/// <summary>Sojourn percentiles in seconds over <paramref name="Count"/> tasks.</summary>
[GenerateSerializer, Immutable]
internal sealed record SojournPercentiles(
    [property: Id(0)] long Count,
    [property: Id(1)] double P50,
    [property: Id(2)] double P95,
    [property: Id(3)] double P99);
