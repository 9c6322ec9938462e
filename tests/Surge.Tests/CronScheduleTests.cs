using Surge.Schedules;

namespace Surge.Tests;

public class CronScheduleTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LatestDue_SeveralInstantsMissed_OnlyTheLatest()
    {
        var every5 = CronSchedule.Parse("*/5 * * * *");
        Assert.Equal(Midnight.AddMinutes(20), CronSchedule.LatestDue(every5, Midnight, Midnight.AddMinutes(22)));
    }

    [Fact]
    public void LatestDue_InstantAlreadyFired_NotAgain()
    {
        var every5 = CronSchedule.Parse("*/5 * * * *");
        Assert.Null(CronSchedule.LatestDue(every5, Midnight.AddMinutes(5), Midnight.AddMinutes(9)));
        Assert.Equal(Midnight.AddMinutes(10), CronSchedule.LatestDue(every5, Midnight.AddMinutes(5), Midnight.AddMinutes(10)));
    }

    [Fact]
    public void Parse_SixFields_Seconds()
        => Assert.Equal(Midnight.AddSeconds(30), CronSchedule.Parse("*/30 * * * * *").GetNextOccurrence(Midnight.AddSeconds(1), TimeZoneInfo.Utc));

    [Fact]
    public void TaskFor_SameInstant_SameId()
    {
        var spec = ScheduleSpec.Create("nightly", "0 2 * * *", "report");
        Assert.Equal("schedule:nightly:20261124T020000Z", spec.TaskFor(Midnight.AddHours(2)).Id);
        Assert.Equal(spec.TaskFor(Midnight.AddHours(2)).Id, spec.TaskFor(Midnight.AddHours(2).ToOffset(TimeSpan.FromHours(3))).Id);
    }

    [Fact]
    public void Validator_BadEntries_NamedWithFix()
    {
        var options = new SchedulesOptions { Entries = { ["nightly"] = new ScheduleOptions { Cron = "0 25 * * *", Type = "", Payload = "{" } } };
        var failures = new SchedulesOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.StartsWith("Surge:Schedules:nightly:", f));
    }

    [Theory]
    [InlineData("0 0 30 2 *")] // 30 February
    [InlineData("0 0 31 4,6,9,11 *")] // the 31st of a month of 30 days
    public void Validator_CronThatNeverFires_NamedWithFix(string cron)
    {
        var options = new SchedulesOptions { Entries = { ["never"] = new ScheduleOptions { Cron = cron, Type = "report" } } };
        var failure = Assert.Single(new SchedulesOptionsValidator().Validate(null, options).Failures ?? []);
        Assert.StartsWith("Surge:Schedules:never:Cron cron:", failure);
        Assert.Contains("never fires", failure);
    }

    [Fact]
    public void Validator_LeapDay_Accepted()
    {
        var options = new SchedulesOptions { Entries = { ["leap"] = new ScheduleOptions { Cron = "0 0 29 2 *", Type = "report" } } };
        Assert.True(new SchedulesOptionsValidator().Validate(null, options).Succeeded);
    }
}
