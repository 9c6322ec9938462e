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
}
