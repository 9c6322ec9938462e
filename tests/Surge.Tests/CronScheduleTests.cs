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
    public void LatestDue_EverySecondTenYearsAfterItsLastInstant_TheLatest()
    {
        var everySecond = CronSchedule.Parse("* * * * * *");
        var upTo = Midnight.AddYears(10).AddMilliseconds(700);
        Assert.Equal(Midnight.AddYears(10), CronSchedule.LatestDue(everySecond, Midnight, upTo));
    }

    // The search back in doubling windows answers what walking every instant forward answers, on crons dense and
    // sparse, gaps short and long, and bounds that fall on an instant.
    [Fact]
    public void LatestDue_RandomCronsAndGaps_AsWalkingForward()
    {
        string[] crons = ["* * * * * *", "*/7 * * * * *", "*/5 * * * *", "0 2 * * *", "30 9 * * 1-5", "0 0 1 */3 *", "0 0 29 2 *",
            "15 10 L * *", "0 12 * 1 *", "*/20 * 9-17 * * *"];
        var random = new Random(20261201);
        for (var i = 0; i < 400; i++)
        {
            var cron = CronSchedule.Parse(crons[i % crons.Length]);
            var after = Midnight.AddSeconds(random.Next(0, 400 * 24 * 3600));
            if (i % 3 == 0) after = cron.GetNextOccurrence(after, TimeZoneInfo.Utc) ?? after; // after on an instant
            var gap = TimeSpan.FromSeconds(Math.Pow(10, random.NextDouble() * 6.5)); // 1 s to about 37 days
            var upTo = i % 4 == 0 ? cron.GetNextOccurrence(after + gap, TimeZoneInfo.Utc) ?? after + gap : after + gap; // upTo on an instant
            Assert.True(WalkedForward(cron, after, upTo) == CronSchedule.LatestDue(cron, after, upTo), $"'{crons[i % crons.Length]}' in ({after:O}, {upTo:O}]");
        }
    }

    private static DateTimeOffset? WalkedForward(Cronos.CronExpression cron, DateTimeOffset after, DateTimeOffset upTo)
    {
        DateTimeOffset? latest = null;
        for (var next = cron.GetNextOccurrence(after, TimeZoneInfo.Utc); next is { } n && n <= upTo; next = cron.GetNextOccurrence(n, TimeZoneInfo.Utc))
            latest = n;
        return latest;
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
