using Surge.Pools;

namespace Surge.Tests;

public class HandlerThreadsTests
{
    [Fact]
    public void Floor_SlotsAbandonedAndCores_AddsThemUpToTheMax()
    {
        Assert.Equal(16 + 3 + 2, HandlerThreads.Floor(slots: 16, abandoned: 3, processors: 2, maxThreads: 32_767));
        Assert.Equal(100, HandlerThreads.Floor(slots: 10_000, abandoned: 0, processors: 2, maxThreads: 100));
        Assert.Equal(32_767, HandlerThreads.Floor(slots: int.MaxValue, abandoned: int.MaxValue, processors: 2, maxThreads: 32_767));
    }

    [Fact]
    public void New_AndAnAbandonedHandler_RaiseThePoolsFloorToAThreadASlotEachAndTheCores()
    {
        var threads = new HandlerThreads(slots: 48);
        ThreadPool.GetMinThreads(out var floor, out _);
        Assert.True(floor >= 48 + Environment.ProcessorCount, $"floor {floor}");

        threads.Abandoned();
        ThreadPool.GetMinThreads(out var raised, out _);
        Assert.True(raised >= 49 + Environment.ProcessorCount, $"floor {raised}");
        threads.Returned();
    }
}
