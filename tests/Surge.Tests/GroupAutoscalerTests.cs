using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Surge.Autoscale;

namespace Surge.Tests;

public class GroupAutoscalerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AutoscaleOptions _options = new();

    private GroupAutoscaler Groups()
        => new(_options, new NoOpPodScaler(NullLogger<NoOpPodScaler>.Instance), new ReplicaReadings(), _time, NullLoggerFactory.Instance);

    private static SiloSignal Idle(string silo, DateTimeOffset at)
        => new(silo, at, 0.2, 0, 1000, [new PoolSignal(PoolKind.Long, 0, 0, 0, 4, 1, 16, 0, 0, 100, 100)], 16);

    private static Task ReportAsync(GroupAutoscaler groups, SiloSignal signal)
        => groups.ReportAsync(signal, _ => Task.CompletedTask, CancellationToken.None);

    [Fact]
    public async Task ReportAsync_ReporterClockAhead_SilentSiloDroppedAfterThreeIntervals()
    {
        var groups = Groups();
        // Its clock is an hour ahead: its last signal must not look fresh for an hour after it went silent.
        await ReportAsync(groups, Idle("ahead", _time.GetUtcNow() + TimeSpan.FromHours(1)));
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(_options.Interval);
            await ReportAsync(groups, Idle("steady", _time.GetUtcNow()));
        }
        Assert.Contains(groups.Silos, s => s.Silo == "ahead");
        _time.Advance(_options.Interval);
        await ReportAsync(groups, Idle("steady", _time.GetUtcNow()));
        Assert.Equal(["steady"], groups.Silos.Select(s => s.Silo));
    }

    [Fact]
    public async Task ReportAsync_ReporterClockBehind_SiloKeptWhileItReports()
    {
        var groups = Groups();
        // Its clock is an hour behind: every signal it sends is just received, not an hour old.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(_options.Interval);
            await ReportAsync(groups, Idle("steady", _time.GetUtcNow()));
            await ReportAsync(groups, Idle("behind", _time.GetUtcNow() - TimeSpan.FromHours(1)));
            Assert.Equal(["behind", "steady"], groups.Silos.Select(s => s.Silo).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Applied_SilentSilo_StillDroppedAfterThreeIntervals()
    {
        var groups = Groups();
        await ReportAsync(groups, Idle("silent", _time.GetUtcNow()));
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(_options.Interval);
            // A limit the grain set is not a report: it must not keep a silent silo alive.
            groups.Applied(new PoolTarget("silent", PoolKind.Long), 8);
            await ReportAsync(groups, Idle("steady", _time.GetUtcNow()));
        }
        Assert.Equal(["steady"], groups.Silos.Select(s => s.Silo));
    }

    [Fact]
    public async Task ReportAsync_DrainingSilo_NotCountedAsAPod()
    {
        var groups = Groups();
        _time.Advance(_options.Interval);
        var now = _time.GetUtcNow();
        // The group's other pod is draining (a spot reclaim): one pod works the backlog, and the ask starts from one.
        await ReportAsync(groups, new SiloSignal("draining", now, 0.2, 0, 1000, [new PoolSignal(PoolKind.Long, 0, 0, 0, 16, 1, 16, 0, 0, 1000, 1000)], 16, Draining: true));
        await ReportAsync(groups, new SiloSignal("working", now, 0.2, 0, 1000,
            [new PoolSignal(PoolKind.Long, 1500, 500, 16, 16, 1, 16, 0, 0, 1000, 1000, QueuedWorkMs: 1_500_000)], 16));
        var up = Assert.Single(groups.History(10), d => d.Kind == AutoscaleKind.Replicas);
        Assert.Equal(1, up.From);
        Assert.True(up.To > 1, $"asked for {up.To}");
    }

    [Fact]
    public async Task ReportAsync_DrainingSiloInAnotherGroup_LeavesThisGroupsCapacity()
    {
        var groups = Groups();
        _time.Advance(_options.Interval);
        var now = _time.GetUtcNow();
        await ReportAsync(groups, new SiloSignal("long-0", now, 0.2, 0, 1000, [new PoolSignal(PoolKind.Long, 0, 0, 0, 16, 1, 16, 0, 0, 1000, 1000)], 16, "long", Draining: true));
        // Two short pods whose 32 slots work 1500 slot-seconds off within the margin: nothing to ask for.
        foreach (var silo in new[] { "short-0", "short-1" })
            await ReportAsync(groups, new SiloSignal(silo, now, 0.2, 0, 1000,
                [new PoolSignal(PoolKind.Short, 750, 500, 16, 16, 1, 16, 0, 0, 1000, 1000, QueuedWorkMs: 750_000)], 16, "short"));
        Assert.DoesNotContain(groups.History(10), d => d.Kind == AutoscaleKind.Replicas);
    }

    // The gauges say what the decisions count: a draining silo is no pod of its group.
    [Fact]
    public async Task ReportAsync_DrainingSilo_NotInTheActualReplicasGauge()
    {
        var readings = new ReplicaReadings();
        var groups = new GroupAutoscaler(_options, new NoOpPodScaler(NullLogger<NoOpPodScaler>.Instance), readings, _time, NullLoggerFactory.Instance);
        var now = _time.GetUtcNow();
        await ReportAsync(groups, Idle("working", now));
        await ReportAsync(groups, Idle("draining", now) with { Draining = true });
        Assert.Equal(1, readings.Last[Surge.Silos.SiloGroupOptions.DefaultGroup].Actual);
    }
}
