using Surge.Pools;

namespace Surge.Tests;

public class BurstReserveTests
{
    private const long TicksPerSecond = 1000; // a tick is a millisecond here

    private static BurstReserve Reserve(int max = 8) => new(1, max, 0.99, TicksPerSecond);

    [Fact]
    public void Arrived_LightLoad_ReservesOne()
    {
        var reserve = Reserve();
        reserve.Ran(10);
        for (var t = 0; t < 500; t++) reserve.Arrived(t * 50); // 10 ms of work every 50 ms: 0.2 of a slot
        Assert.Equal(1, reserve.Size);
    }

    [Fact]
    public void Arrived_OneSlotOfLoad_ReservesRoomForItsBursts()
    {
        var reserve = Reserve();
        reserve.Ran(10);
        for (var t = 0; t < 2000; t++) reserve.Arrived(t * 10); // a slot's worth: 1 / 0.6 utilization
        Assert.Equal(2, reserve.Size);
    }

    [Fact]
    public void Arrived_BurstOfLoad_ReserveGrowsAtOnce()
    {
        var reserve = Reserve();
        reserve.Ran(10);
        for (var t = 0; t < 200; t++) reserve.Arrived(t * 50);
        Assert.Equal(1, reserve.Size);
        for (var i = 0; i < 240; i++) reserve.Arrived(10_000 + i * 4); // up to 2.4 slots of load, for a second
        Assert.Equal(4, reserve.Size); // 2.4 / 0.6: within the burst, no interval waited for
    }

    [Fact]
    public void Arrived_RareBurstBelowTheQuantile_DoesNotMoveTheReserve()
    {
        var reserve = Reserve();
        reserve.Ran(10);
        for (var t = 0; t < 1000; t++) reserve.Arrived(t * 50);
        for (var i = 0; i < 5; i++) reserve.Arrived(60_000 + i); // 5 of 1,005 arrivals in a burst: under 1%
        Assert.Equal(1, reserve.Size);
    }

    [Fact]
    public void Arrived_LoadBeyondMax_ClampedToMax()
    {
        var reserve = Reserve(max: 3);
        reserve.Ran(10);
        for (var i = 0; i < 1000; i++) reserve.Arrived(i);
        Assert.Equal(3, reserve.Size);
    }

    [Fact]
    public void Arrived_BeforeAnyRun_MeasuresOverThePrediction()
    {
        var reserve = Reserve();
        for (var t = 0; t < 2000; t++) reserve.Arrived(t * 40, predictedMs: 100); // 2.5 slots of load
        Assert.Equal(5, reserve.Size);
    }

    [Fact]
    public void Cap_BelowTheLoad_HoldsTheReserveThere()
    {
        var reserve = new BurstReserve(1, 8, 0.99, TicksPerSecond) { Cap = 2 };
        reserve.Ran(10);
        for (var i = 0; i < 500; i++) reserve.Arrived(i * 2);
        Assert.Equal(2, reserve.Size);
        reserve.Cap = 8;
        reserve.Arrived(1000);
        Assert.Equal(8, reserve.Size);
    }

    [Fact]
    public void Arrived_DumpOfShortTasksWhileLongWorkDominates_ReserveKeepsToTheShortShare()
    {
        var reserve = new BurstReserve(1, 7, 0.99, TicksPerSecond, slots: 8);
        reserve.Ran(10);
        reserve.Worked(shortTask: false, 900, 0); // of the last minute's work, long tasks did 90%
        reserve.Worked(shortTask: true, 100, 0);
        for (var i = 0; i < 500; i++) reserve.Arrived(i); // a dead silo's short work, handed back at once
        Assert.Equal((2, 1), (reserve.Size, reserve.Lean)); // 8 slots x 10%, rounded up, and the headroom: long work keeps its slots
    }

    [Fact]
    public void Arrived_NoLongWorkYet_LeanIsTheWholeReserve()
    {
        var reserve = new BurstReserve(1, 7, 0.99, TicksPerSecond, slots: 8);
        reserve.Ran(10);
        for (var t = 0; t < 2000; t++) reserve.Arrived(t * 5); // two slots of load
        Assert.Equal((4, 4), (reserve.Size, reserve.Lean)); // no share to bound it: nothing for long work to take
    }

    // Whatever arrives and runs: the headroom is one slot at most, and both stay within min and the cap.
    [Fact]
    public void Reserve_RandomArrivalsAndWork_LeanWithinHeadroomOfSize()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var (min, slots) = (random.Next(0, 3), random.Next(2, 17));
            var reserve = new BurstReserve(min, Math.Max(min, slots - 1), 0.99, TicksPerSecond, slots);
            long now = 0;
            for (var step = 0; step < 400; step++)
            {
                now += random.Next(0, 50);
                switch (random.Next(4))
                {
                    case 0: reserve.Worked(random.Next(2) == 0, random.Next(0, 5_000), now); break;
                    case 1: reserve.Ran(random.Next(0, 200)); break;
                    case 2 when random.Next(20) == 0: reserve.Cap = random.Next(0, slots + 2); break;
                    default: reserve.Arrived(now, random.Next(3) == 0 ? random.Next(1, 300) : null); break;
                }
                Assert.InRange(reserve.Lean, Math.Min(min, reserve.Cap), reserve.Size);
                Assert.InRange(reserve.Size, reserve.Lean, reserve.Lean + BurstReserve.Headroom);
                Assert.True(reserve.Size <= reserve.Cap, $"seed {seed}: size {reserve.Size} over cap {reserve.Cap}");
            }
        }
    }

    [Fact]
    public void Worked_ShareForgetsWithTime()
    {
        var reserve = new BurstReserve(1, 7, 0.99, TicksPerSecond, slots: 8);
        reserve.Ran(10);
        reserve.Worked(shortTask: false, 10_000, 0);
        reserve.Worked(shortTask: true, 5_000, 10 * 60_000); // ten half-lives later the long work weighs ~10 ms
        for (var i = 0; i < 500; i++) reserve.Arrived(10 * 60_000 + i);
        Assert.Equal(7, reserve.Size);
    }
}
