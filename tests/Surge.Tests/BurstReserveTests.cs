using Surge.Pools;

namespace Surge.Tests;

public class BurstReserveTests
{
    private const long TicksPerSecond = 1000; // a tick is a millisecond here

    [Fact]
    public void Arrived_SpacedFartherThanARun_ReservesOne()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond);
        reserve.Ran(10);
        for (var t = 0; t < 500; t++) reserve.Arrived(t * 50);
        Assert.Equal(1, reserve.Size);
    }

    [Fact]
    public void Arrived_BurstsOfFourWithinARun_ReservesFourAtOnce()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond);
        reserve.Ran(10);
        reserve.Arrived(0);
        for (var i = 1; i < 4; i++) reserve.Arrived(i);
        Assert.Equal(4, reserve.Size); // the first burst is all the reserve has seen: no interval waits for it
    }

    [Fact]
    public void Arrived_RareBurstBelowTheQuantile_DoesNotMoveTheReserve()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond);
        reserve.Ran(10);
        for (var t = 0; t < 1000; t++) reserve.Arrived(t * 50);
        for (var i = 0; i < 5; i++) reserve.Arrived(60_000 + i); // 5 of 1,005 arrivals saw a burst: under 1%
        Assert.Equal(1, reserve.Size);
    }

    [Fact]
    public void Arrived_BurstLargerThanMax_ClampedToMax()
    {
        var reserve = new BurstReserve(1, 3, 0.99, TicksPerSecond);
        reserve.Ran(10);
        for (var i = 0; i < 20; i++) reserve.Arrived(i);
        Assert.Equal(3, reserve.Size);
    }

    [Fact]
    public void Ran_LongerRuns_WidenTheBurstWindow()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond);
        reserve.Ran(100);
        for (var t = 0; t < 300; t++) reserve.Arrived(t * 40); // 40 ms apart, each running 100 ms: three overlap
        Assert.Equal(3, reserve.Size);
    }

    [Fact]
    public void Arrived_BeforeAnyRun_MeasuresOverThePrediction()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond);
        for (var t = 0; t < 2000; t++) reserve.Arrived(t * 40, predictedMs: 100);
        Assert.Equal(3, reserve.Size);
    }

    [Fact]
    public void Cap_BelowTheBursts_HoldsTheReserveThere()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond) { Cap = 2 };
        reserve.Ran(10);
        for (var i = 0; i < 5; i++) reserve.Arrived(i);
        Assert.Equal(2, reserve.Size);
        reserve.Cap = 8;
        reserve.Arrived(5);
        Assert.Equal(6, reserve.Size);
    }
}
