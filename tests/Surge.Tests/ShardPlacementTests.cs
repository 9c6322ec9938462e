using System.Net;
using Surge.Tasks;

namespace Surge.Tests;

public class ShardPlacementTests
{
    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static Dictionary<int, SiloAddress> Place(params SiloAddress[] silos)
        => Enumerable.Range(0, TaskShards.Count).ToDictionary(s => s, s => ShardPlacement.Pick(s, silos)!);

    [Fact]
    public void Pick_SameSilosInAnyOrder_SameAnswer()
        => Assert.Equal(Place(Silo(1), Silo(2), Silo(3)), Place(Silo(3), Silo(1), Silo(2)));

    [Fact]
    public void Pick_ThreeSilos_EachGetsAFairShare()
    {
        var counts = Place(Silo(1), Silo(2), Silo(3)).Values.GroupBy(s => s).Select(g => g.Count()).ToList();
        Assert.Equal(3, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 256 / 3 - 30, 256 / 3 + 30));
    }

    [Fact]
    public void Pick_SiloJoins_OnlyShardsGoingToItMove()
    {
        var before = Place(Silo(1), Silo(2));
        var after = Place(Silo(1), Silo(2), Silo(3));
        var moved = before.Keys.Where(s => !before[s].Equals(after[s])).ToList();
        Assert.All(moved, s => Assert.Equal(Silo(3), after[s]));
        Assert.InRange(moved.Count, 256 / 3 - 30, 256 / 3 + 30);
    }

    [Fact]
    public void Pick_NoSilo_Null() => Assert.Null(ShardPlacement.Pick(7, []));
}
