using Surge.Autoscale;

namespace Surge.Tests;

public class MemoryRecommenderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static SiloSignal Signal(string silo, string group, TimeSpan at, int running, double observedMb, double predictedMb, double processMb = 400, double inUseMb = 0)
        => new(silo, T0 + at, 0.2, inUseMb, 4096, [new PoolSignal(PoolKind.Long, 0, 0, running, 16, 1, 16, 1, 1, 100, 100)], 16, group,
            observedMb, predictedMb, processMb);

    [Fact]
    public void Recommend_PerGroup_PeakTaskTimesConcurrencyPlusFootprint_WithTheMarginAndLimitRatio()
    {
        var memory = new MemoryRecommender();
        // Long: up to 4 tasks at once, a predicted peak of 500 MiB above the 300 observed; a 250 MiB footprint at its smallest.
        memory.Observe("long", Signal("l1", "long", TimeSpan.FromSeconds(1), running: 4, observedMb: 300, predictedMb: 500, processMb: 900, inUseMb: 650), T0 + TimeSpan.FromSeconds(1));
        memory.Observe("long", Signal("l2", "long", TimeSpan.FromSeconds(2), running: 2, observedMb: 200, predictedMb: 100, processMb: 300, inUseMb: 50), T0 + TimeSpan.FromSeconds(2));
        // Short: small tasks, many at once.
        memory.Observe("short", Signal("s1", "short", TimeSpan.FromSeconds(1), running: 30, observedMb: 8, predictedMb: 0, processMb: 200), T0 + TimeSpan.FromSeconds(1));

        var byGroup = memory.Recommend().ToDictionary(r => r.Group);
        var @long = byGroup["long"];
        Assert.Equal((300, 500, 4, 250, 2), (@long.ObservedTaskPeakMb, @long.PredictedTaskPeakMb, @long.PeakConcurrency, @long.FootprintMb, @long.Silos));
        var request = (250 + 500 * 4) * (1 + MemoryRecommender.Margin); // 2587.5 MiB, rounded up to 64 MiB
        Assert.Equal(2624, @long.RequestMb);
        Assert.True(@long.RequestMb >= request && @long.RequestMb - request < 64);
        Assert.Equal(3328, @long.LimitMb); // 1.25 x 2624 = 3280, rounded up to 64 MiB
        Assert.Equal(MemoryRecommender.Margin, @long.Margin);
        Assert.Equal(((200 + 8 * 30) * 1.15 / 64) is var x ? (long)Math.Ceiling(x) * 64 : 0, byGroup["short"].RequestMb);
    }

    [Fact]
    public void Recommend_SamplesOlderThanTheWindow_Forgotten()
    {
        var memory = new MemoryRecommender();
        memory.Observe("long", Signal("l1", "long", TimeSpan.Zero, running: 8, observedMb: 1000, predictedMb: 1000), T0 + TimeSpan.Zero);
        memory.Observe("long", Signal("l1", "long", MemoryRecommender.Window + TimeSpan.FromMinutes(2), running: 1, observedMb: 100, predictedMb: 100), T0 + MemoryRecommender.Window + TimeSpan.FromMinutes(2));
        var only = Assert.Single(memory.Recommend());
        Assert.Equal((100, 1, 1), (only.ObservedTaskPeakMb, only.PeakConcurrency, only.Samples));
    }

    [Fact]
    public void Recommend_SilosThatPredateTheFigures_FootprintZeroNotInfinite()
    {
        var memory = new MemoryRecommender();
        memory.Observe("default", Signal("d1", "default", TimeSpan.Zero, running: 2, observedMb: 100, predictedMb: 0, processMb: 0), T0 + TimeSpan.Zero);
        var only = Assert.Single(memory.Recommend());
        Assert.Equal(0, only.FootprintMb);
        Assert.Equal(256, only.RequestMb); // 200 x 1.15 = 230, up to 256
    }

    [Fact]
    public void Observe_SiloClockHoursAhead_OtherSilosSamplesStayInTheWindow()
    {
        var memory = new MemoryRecommender();
        memory.Observe("long", Signal("l1", "long", TimeSpan.Zero, running: 8, observedMb: 1000, predictedMb: 1000), T0);
        // l2's clock runs two hours ahead; its signal arrives a second after l1's.
        memory.Observe("long", Signal("l2", "long", TimeSpan.FromHours(2), running: 1, observedMb: 100, predictedMb: 100), T0 + TimeSpan.FromSeconds(1));
        var only = Assert.Single(memory.Recommend());
        Assert.Equal((1000, 8, 2), (only.ObservedTaskPeakMb, only.PeakConcurrency, only.Samples));
    }
}
