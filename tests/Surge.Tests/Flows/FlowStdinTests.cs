using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Surge.Flows;
using Surge.Programs;

namespace Surge.Tests.Flows;

public class FlowStdinTests
{
    [Fact]
    public void Of_Step_JsonInputsEmbeddedOthersAsStringsMissingListed()
    {
        var step = new FlowStep("w1", "scoring", "score", "v2", "c1", "2026-11-29", Degraded: true,
            ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty.Add("raw", "[1,2]"u8.ToArray()).Add("notes", "not json"u8.ToArray()),
            ["features"]);

        using var stdin = JsonDocument.Parse(FlowStdin.Of(step, Encoding.UTF8.GetBytes("""{"k":1}""")));

        var root = stdin.RootElement;
        Assert.Equal(("w1", "scoring", "score", "v2", "c1", "2026-11-29", true), (root.GetProperty("wave").GetString(), root.GetProperty("flow").GetString(),
            root.GetProperty("task").GetString(), root.GetProperty("version").GetString(), root.GetProperty("entity").GetString(),
            root.GetProperty("date").GetString(), root.GetProperty("degraded").GetBoolean()));
        Assert.Equal(3, root.GetProperty("inputs").GetProperty("raw").EnumerateArray().Sum(e => e.GetInt32()));
        Assert.Equal("not json", root.GetProperty("inputs").GetProperty("notes").GetString());
        Assert.Equal(["features"], root.GetProperty("missing").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(1, root.GetProperty("payload").GetProperty("k").GetInt32());
    }

    // A wave id is a name of at most 64 characters: every schedule's, however it is named, and none two schedules share.
    [Theory]
    [InlineData("nightly scoring", "scoring-eu")]
    [InlineData("scoring eu", "scoring-eu")]
    [InlineData("a-very-long-schedule-name-for-the-nightly-scoring-of-customers-eu", "a-very-long-schedule-name-for-the-nightly-scoring-of-customers-us")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")]
    public void WaveFor_AnyTwoNames_ValidIdsOfTheirOwn(string first, string second)
    {
        var instant = new DateTimeOffset(2026, 11, 29, 2, 0, 0, 999, TimeSpan.Zero);
        var ids = new[] { first, second }.SelectMany(name =>
        {
            var spec = ScheduleSpec.ForWave(name, "0 2 * * *", "scoring", "customers");
            return new[] { spec.WaveFor(instant)!.WaveId!, Surge.Schedules.ScheduleRules.ManualWave(spec, instant)!.WaveId! };
        }).ToList();
        Assert.All(ids, id => Assert.True(FlowValidator.IsName(id) && Surge.Flows.WaveIds.IsReserved(id), $"'{id}' ({id.Length} characters)"));
        Assert.Equal(ids.Count, ids.Distinct().Count()); // an instant's, a trigger's, of either schedule: four waves
    }

    [Fact]
    public void WaveFor_Instant_IdFromTheInstantAndDateByDayOrHour()
    {
        var instant = new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);

        var daily = ScheduleSpec.ForWave("nightly", "0 2 * * *", "scoring", "customers").WaveFor(instant)!;
        var hourly = ScheduleSpec.ForWave("hourly", "0 * * * *", "scoring", "customers", hourly: true).WaveFor(instant)!;

        Assert.Equal(("schedule.nightly.20261129T020000", "2026-11-29"), (daily.WaveId, daily.Date));
        Assert.Equal("2026-11-29T02", hourly.Date);
        Assert.True(FlowValidator.IsName(daily.WaveId));
        Assert.Null(ScheduleSpec.Create("t", "* * * * *", "simulate").WaveFor(instant));
    }
}
