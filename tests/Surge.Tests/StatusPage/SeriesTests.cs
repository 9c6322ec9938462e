using Surge.Hosting;
using Surge.Series;

namespace Surge.Tests.StatusPage;

public class SeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SeriesRing_PastItsCapacity_KeepsTheLatestOldestFirst()
    {
        var ring = new SeriesRing<int>(3);
        Assert.Empty(ring.ToArray());
        for (var i = 1; i <= 7; i++) ring.Add(i);
        Assert.Equal([5, 6, 7], ring.ToArray());
        Assert.Equal(3, ring.Count);
    }

    [Fact]
    public void SojournWindow_Drain_PercentilesPerPoolByNearestRankThenEmpty()
    {
        var window = new SojournWindow();
        for (var i = 1; i <= 100; i++) window.Record(PoolKind.Short, i, 0.5);
        window.Record(PoolKind.Long, 42, 0.5);
        var drained = window.Drain();
        Assert.Equal(new SojournPercentiles(100, 50, 95, 99), drained[PoolKind.Short]);
        Assert.Equal(new SojournPercentiles(1, 42, 42, 42), drained[PoolKind.Long]);
        Assert.Empty(window.Drain());
    }

    [Fact]
    public void SojournWindow_ABurstBeyondTheReservoir_MemoryBoundedAndPercentilesClose()
    {
        var window = new SojournWindow();
        var random = new Random(7);
        for (var i = 0; i < 50 * SojournWindow.MaxPerPool; i++) window.Record(PoolKind.Short, random.NextDouble(), random.NextDouble());
        var p = window.Drain()[PoolKind.Short];
        Assert.Equal(50L * SojournWindow.MaxPerPool, p.Count);
        Assert.InRange(p.P50, 0.45, 0.55);
        Assert.InRange(p.P95, 0.92, 0.98);
    }

    [Fact]
    public void ChartPoints_Merge_SamplesOfOnePeriodAddUpAndTakeTheWorstPercentile()
    {
        SeriesPoint Point(int second, double throughput, double p99, int replicas, double? accuracy) => new(T0.AddSeconds(second), throughput,
            new SojournPercentiles(10, 1, 2, p99), null, Queued: 2, Running: 3, Slots: 8, replicas, accuracy);
        var merged = ChartPoints.Merge([
            new SiloSeries("a", [Point(0, 10, 4, 2, 0.9), Point(5, 1, 1, 2, null)]),
            new SiloSeries("b", [Point(1, 5, 7, 2, 0.7)]),
        ]);
        Assert.Equal(2, merged.Length);
        Assert.Equal((T0, 15.0, 7.0, 4, 6, 16, 2), (merged[0].At, merged[0].Throughput, merged[0].ShortP99!.Value, merged[0].Queued, merged[0].Running, merged[0].Slots, merged[0].Replicas));
        Assert.Equal(0.8, merged[0].RoutingAccuracy!.Value, 9);
        Assert.Null(merged[1].RoutingAccuracy);
        Assert.Null(merged[1].LongP50);
    }
}
