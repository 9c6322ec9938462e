using Surge.Schedules;

namespace Surge.Tests;

public class ScheduleCadenceTests
{
    private static readonly ScheduleSpec EverySecond = ScheduleSpec.Create("beat", "* * * * * *", "report");
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Start_PreviousStillUnderWay_StartsTheNextInstant()
    {
        var cadence = new ScheduleCadence();
        Assert.Equal(T0.AddSeconds(1), cadence.Start(EverySecond, T0, paused: false, T0.AddSeconds(1)));
        // The first is not acknowledged; a second later the next one starts anyway.
        Assert.Equal(T0.AddSeconds(2), cadence.Start(EverySecond, T0, paused: false, T0.AddSeconds(2)));
        Assert.Null(cadence.Start(EverySecond, T0, paused: false, T0.AddSeconds(2.5))); // nothing new due
        Assert.Equal(2, cadence.InFlight);
    }

    [Fact]
    public void Stores_LaterInstantStoredFirst_OlderOneDoesNotMoveItBack()
    {
        Assert.True(ScheduleCadence.Stores(null, T0));
        Assert.True(ScheduleCadence.Stores(T0, T0.AddSeconds(1)));
        Assert.False(ScheduleCadence.Stores(T0.AddSeconds(2), T0.AddSeconds(1)));
        Assert.False(ScheduleCadence.Stores(T0.AddSeconds(1), T0.AddSeconds(1)));
    }

    [Fact]
    public void Ended_LatestStartedFailed_RetriesFromTheStoredInstant()
    {
        var cadence = new ScheduleCadence();
        var first = cadence.Start(EverySecond, T0, false, T0.AddSeconds(1))!.Value;
        var second = cadence.Start(EverySecond, T0, false, T0.AddSeconds(2))!.Value;

        Assert.Equal(CadenceStep.None, cadence.Ended(first, failed: true)); // covered by the second, under way
        Assert.Equal(CadenceStep.RetryLater, cadence.Ended(second, failed: true));
        // Five seconds later the latest due instant since the stored one starts: the missed ones collapse into it.
        Assert.Equal(T0.AddSeconds(7), cadence.Start(EverySecond, T0, false, T0.AddSeconds(7.2)));
    }

    [Fact]
    public void Start_MostInFlightUnderWay_WaitsUntilOneEnds_ThenFiresAtOnce()
    {
        var cadence = new ScheduleCadence();
        var started = Enumerable.Range(1, ScheduleCadence.MostInFlight).Select(s => cadence.Start(EverySecond, T0, false, T0.AddSeconds(s))!.Value).ToList();
        Assert.Null(cadence.Start(EverySecond, T0, false, T0.AddSeconds(20)));

        Assert.Equal(CadenceStep.FireNow, cadence.Ended(started[3], failed: false));
        Assert.Equal(T0.AddSeconds(20), cadence.Start(EverySecond, T0, false, T0.AddSeconds(20))); // the latest due: 9-19 collapsed
    }

    [Fact]
    public void Start_Paused_StartsNothing()
        => Assert.Null(new ScheduleCadence().Start(EverySecond, T0, paused: true, T0.AddSeconds(5)));

    /// <summary>
    /// Random starts, acknowledgments in any order, failures and pauses against a stored last instant kept as the grain
    /// keeps it: the stored instant never moves back, never more than MostInFlight are under way, an instant starts
    /// again only after the latest one failed, and with nothing failing every due instant starts at its second.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Sequence_RandomStartsEndsAndFailures_InvariantsHold(int seed)
    {
        var random = new Random(seed);
        var cadence = new ScheduleCadence();
        DateTimeOffset? stored = T0;
        var now = T0;
        var underWay = new List<DateTimeOffset>();
        var started = new List<DateTimeOffset>();
        var retried = false;
        var failures = seed % 2 == 0 ? 0.0 : 0.2; // even seeds: nothing fails
        for (var step = 0; step < 3_000; step++)
        {
            now = now.AddMilliseconds(random.Next(1, 700));
            // With nothing failing the timer fires at every step (under a second apart) and every submission ends
            // within it; otherwise it fires now and then, and submissions end in any order, or later.
            if ((failures == 0 || random.NextDouble() < 0.6) && cadence.Start(EverySecond, stored, paused: false, now) is { } instant)
            {
                Assert.True(instant <= now);
                if (started.Count > 0 && !retried) Assert.True(instant > started[^1], $"{instant:O} started again (after {started[^1]:O}) with no failure");
                if (failures == 0 && started.Count > 0) Assert.Equal(started[^1].AddSeconds(1), instant); // no instant skipped
                retried = false;
                started.Add(instant);
                underWay.Add(instant);
            }
            Assert.InRange(cadence.InFlight, 0, ScheduleCadence.MostInFlight);
            Assert.Equal(underWay.Count, cadence.InFlight);
            while (underWay.Count > 0 && random.NextDouble() < (failures == 0 ? 1.0 : 0.5))
            {
                var i = random.Next(underWay.Count);
                var ended = underWay[i];
                underWay.RemoveAt(i);
                var failed = random.NextDouble() < failures;
                if (!failed && ScheduleCadence.Stores(stored, ended))
                {
                    Assert.True(stored is null || ended > stored, "the stored instant moved back");
                    stored = ended;
                }
                if (cadence.Ended(ended, failed) == CadenceStep.RetryLater)
                {
                    Assert.True(failed);
                    Assert.Equal(started[^1], ended); // only the latest started retries
                    retried = true;
                }
            }
            Assert.True(cadence.StartedUpTo(stored) >= stored);
        }
        Assert.True(started.Count > 100, $"only {started.Count} instants started");
    }
}
