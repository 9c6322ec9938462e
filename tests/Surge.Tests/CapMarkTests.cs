using Surge.Caps;

namespace Surge.Tests;

public class CapMarkTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Allow_MarkStoredWithinTheCadence_GrantsAFullLease()
    {
        var mark = new CapMark(Lease, At(0));
        Assert.Equal(new CapAllowance(true, Lease), mark.Allow(At(0)));
        Assert.Equal(new CapAllowance(true, Lease), mark.Allow(At(1)));
    }

    [Fact]
    public void Allow_StoreRefusesTheMark_NoGrantsAndLeasesShrinkToWhatTheStoredMarkCovers()
    {
        var mark = new CapMark(Lease, At(0));
        Assert.True(mark.Due(At(1.5)));
        mark.Trying(At(1.5)); // refused: no Wrote
        Assert.Equal(new CapAllowance(false, TimeSpan.FromSeconds(4.5)), mark.Allow(At(1.5)));
        Assert.Equal(new CapAllowance(false, TimeSpan.FromSeconds(1)), mark.Allow(At(5)));
        Assert.Equal(new CapAllowance(false, TimeSpan.Zero), mark.Allow(At(6)));
        Assert.Equal(new CapAllowance(false, TimeSpan.Zero), mark.Allow(At(60)));
    }

    [Fact]
    public void Allow_NeverStored_GrantsNothing()
        => Assert.Equal(new CapAllowance(false, TimeSpan.Zero), new CapMark(Lease, default).Allow(At(0)));

    [Fact]
    public void Due_RefusedWrite_TriedAgainACadenceLaterThenGrantsResume()
    {
        var mark = new CapMark(Lease, At(0));
        Assert.False(mark.Due(At(1)));
        Assert.True(mark.Due(At(1.1)));
        mark.Trying(At(1.1));
        Assert.False(mark.Due(At(1.6))); // not at every sync while the store is away
        Assert.True(mark.Due(At(2.1)));
        mark.Trying(At(2.1));
        mark.Wrote(At(2.1));
        Assert.False(mark.Due(At(2.2)));
        Assert.Equal(new CapAllowance(true, Lease), mark.Allow(At(2.2)));
    }

    [Fact]
    public void MustRebuild_MarkOlderThanALeaseButWithinALeasePlusTheCadence_StillRebuilds()
    {
        // Stored at 0, the last grant before the next write at 1 holds a lease to 6: an activation at 5.5 must wait.
        var mark = new CapMark(Lease, At(0));
        Assert.Equal(new CapAllowance(true, Lease), mark.Allow(At(1)));
        Assert.True(mark.MustRebuild(At(5.5)));
        Assert.False(mark.MustRebuild(At(6)));
        Assert.False(new CapMark(Lease, default).MustRebuild(At(0)));
    }

    // Generations of a cap grain over random syncs, store refusals and failovers: no lease any activation handed out
    // outlives the moment a later activation may first grant new slots.
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.3)]
    [InlineData(3, 0.9)]
    [InlineData(4, 1.0)]
    public void Generations_RandomRefusalsAndFailovers_NoLeaseOutlivesTheNextActivationsFirstGrant(int seed, double refusals)
    {
        var random = new Random(seed);
        var now = At(0);
        DateTimeOffset stored = default;
        var leaseEnds = DateTimeOffset.MinValue; // the latest end of any lease handed out so far
        for (var generation = 0; generation < 2_000; generation++)
        {
            var mark = new CapMark(Lease, stored);
            var grantsFrom = mark.MustRebuild(now) ? now + Lease : now;
            Assert.True(leaseEnds <= grantsFrom, $"generation {generation}: a lease to {leaseEnds:HH:mm:ss.fff} outlives its first grant at {grantsFrom:HH:mm:ss.fff}");
            var outage = random.NextDouble() < refusals;
            for (var sync = random.Next(0, 200); sync > 0; sync--)
            {
                if (mark.Due(now))
                {
                    mark.Trying(now);
                    if (!outage || random.Next(20) == 0) mark.Wrote(now);
                }
                var allowed = mark.Allow(now);
                if (allowed.Lease > TimeSpan.Zero && now + allowed.Lease > leaseEnds) leaseEnds = now + allowed.Lease; // renewals too
                now += TimeSpan.FromMilliseconds(random.Next(1, 400));
            }
            stored = mark.Stored; // it dies; the next activation reads what is stored
            now += TimeSpan.FromMilliseconds(random.Next(0, 12_000));
        }
    }
}
