using Surge.Caps;

namespace Surge.Tests;

public class CapLedgerTests
{
    private const long Lease = 5_000;
    private readonly CapLedger _ledger = new(cap: 15, leaseTicks: Lease);

    private int Sync(string silo, int held, int inUse, int wanted, long now = 0, bool adoptOnly = false)
        => _ledger.Sync(new CapRequest(silo, held, inUse, wanted, 0), now, adoptOnly);

    [Fact]
    public void Sync_OneSilo_GetsWhatItWantsUpToTheCap()
    {
        Assert.Equal(10, Sync("a", 0, 0, 10));
        Assert.Equal(15, Sync("a", 10, 10, 500));
    }

    [Fact]
    public void Sync_SecondSiloWhileFirstHoldsAll_GetsNothingNowItsShareAsSlotsFree()
    {
        Assert.Equal(15, Sync("a", 0, 0, 1_000));
        Assert.Equal(0, Sync("b", 0, 0, 1_000));        // nothing free: the cap holds
        Assert.Equal(15, Sync("a", 15, 15, 1_000));      // a's running slots are never taken back
        Assert.Equal(8, Sync("a", 15, 8, 1_000));        // but as they finish, a shrinks to an even share
        Assert.Equal(7, Sync("b", 0, 0, 1_000));         // and b gets the rest
        Assert.Equal(15, _ledger.Held);
    }

    [Fact]
    public void Sync_SiloStopsSyncing_ItsSlotsReturnAfterTheLease()
    {
        Assert.Equal(15, Sync("a", 0, 0, 15, now: 0));
        Assert.Equal(0, Sync("b", 0, 0, 15, now: Lease));
        Assert.Equal(15, Sync("b", 0, 0, 15, now: Lease + 1)); // a is gone
    }

    [Fact]
    public void Sync_AfterFailover_AdoptsHoldingsGrantsNothingNew()
    {
        Assert.Equal(9, Sync("a", 9, 9, 15, adoptOnly: true));
        Assert.Equal(6, Sync("b", 6, 2, 15, adoptOnly: true));
        Assert.Equal(0, Sync("c", 0, 0, 15, adoptOnly: true));
        Assert.Equal(15, _ledger.Held);
    }

    [Fact]
    public void Sync_AnyOrderOfRequests_NeverMoreThanTheCap()
    {
        var random = new Random(7);
        var held = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        var running = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        for (var i = 0; i < 10_000; i++)
        {
            var silo = held.Keys.ElementAt(random.Next(3));
            running[silo] = random.Next(held[silo] + 1); // tasks finish; only held slots can run
            held[silo] = Sync(silo, held[silo], running[silo], random.Next(40));
            Assert.True(held.Values.Sum() <= 15, $"step {i}: {string.Join(", ", held)}");
        }
    }
}
