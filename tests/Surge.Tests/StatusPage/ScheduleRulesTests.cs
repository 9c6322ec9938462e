using Surge.Schedules;

namespace Surge.Tests.StatusPage;

public class ScheduleRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ScheduleSpec EveryMinute = ScheduleSpec.Create("nightly", "* * * * *", "report");

    [Fact]
    public void Due_Paused_NothingIsSubmitted()
    {
        Assert.Equal(T0.AddMinutes(3), ScheduleRules.Due(EveryMinute, T0, paused: false, T0.AddMinutes(3).AddSeconds(10)));
        Assert.Null(ScheduleRules.Due(EveryMinute, T0, paused: true, T0.AddMinutes(3).AddSeconds(10)));
        Assert.Null(ScheduleRules.Next(EveryMinute, T0, paused: true, T0));
    }

    [Fact]
    public void Resume_AfterAPause_InstantsPausedOverAreNotMadeUp()
    {
        var resumedAt = T0.AddMinutes(10).AddSeconds(30);
        var lastFired = ScheduleRules.Resume(T0, paused: true, resumedAt);
        Assert.Equal(resumedAt, lastFired);
        Assert.Null(ScheduleRules.Due(EveryMinute, lastFired, paused: false, resumedAt.AddSeconds(10)));
        Assert.Equal(T0.AddMinutes(11), ScheduleRules.Due(EveryMinute, lastFired, paused: false, T0.AddMinutes(11)));
        Assert.Equal(T0, ScheduleRules.Resume(T0, paused: false, resumedAt)); // resuming a running schedule changes nothing
    }

    // Paused after an instant, it has a next instant that passes while it stays paused: its timer must not fire at once, again and again.
    [Fact]
    public void TimerDelay_PausedPastItsNextInstant_WaitsTheLongest()
    {
        var hourly = ScheduleSpec.Create("hourly", "0 * * * *", "report");
        var now = T0.AddHours(1).AddSeconds(1);
        Assert.Equal(TimeSpan.FromMinutes(1), ScheduleRules.TimerDelay(hourly, T0, paused: true, now, TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.Zero, ScheduleRules.TimerDelay(hourly, T0, paused: false, now, TimeSpan.FromMinutes(1))); // due: at once
        Assert.Equal(TimeSpan.FromSeconds(50), ScheduleRules.TimerDelay(EveryMinute, T0, paused: false, T0.AddSeconds(10), TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMinutes(1), ScheduleRules.TimerDelay(hourly, T0, paused: false, T0.AddSeconds(10), TimeSpan.FromMinutes(1))); // at most the longest
    }

    [Fact]
    public void ManualTask_AtACronInstant_HasItsOwnIdAndTheSchedulesTask()
    {
        var manual = ScheduleRules.ManualTask(EveryMinute, T0);
        Assert.NotEqual(EveryMinute.TaskFor(T0).Id, manual.Id);
        Assert.Equal("schedule:nightly:manual:20260101T000000000Z", manual.Id);
        Assert.Equal("report", manual.Type);
        Assert.Equal(EveryMinute.Payload.ToArray(), manual.Payload.ToArray());
    }
}
