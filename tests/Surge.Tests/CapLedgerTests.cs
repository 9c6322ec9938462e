using Surge.Caps;
using Surge.Policies;

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
        // Not yet to b: until a's next sync confirms the shrink, a may still start tasks on the 15 slots it held
        // when it asked (its request was on its way while they passed its gate), so they are not free yet.
        Assert.Equal(0, Sync("b", 0, 0, 1_000));
        Assert.Equal(8, Sync("a", 8, 8, 1_000));         // a has heard: it holds 8
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

    // A silo's sync is on its way (it asks to hold fewer slots: half its tasks finished) while more of its tasks pass the
    // gate on the slots it still holds; the grain must not hand those slots to another silo before the shrink is heard.
    [Fact]
    public void Sync_ShrinkRacingAdmissions_NeverRunsMoreThanTheCapClusterWide()
    {
        const long F = 1_000; // timestamp ticks per second
        var lease = TimeSpan.FromSeconds(5);
        var policy = new TaskPolicy { MaxRunning = 10 };
        var ledger = new CapLedger(10, 5 * F);
        var a = new CapState(policy);
        a.Apply(new CapGrant(ledger.Sync(a.Request("a", 10), 0, false), 0, lease), 0, F);
        for (var i = 0; i < 5; i++) Assert.True(a.TryAdmit(1));
        var request = a.Request("a", waiting: 0);               // Held 10, InUse 5, Wanted 5: sent to the cap grain
        for (var i = 0; i < 5; i++) Assert.True(a.TryAdmit(2)); // 5 more arrive and start on the 10 slots a still holds
        a.Apply(new CapGrant(ledger.Sync(request, 3, false), 0, lease), 3, F);

        var b = new CapState(policy);
        b.Apply(new CapGrant(ledger.Sync(b.Request("b", 10), 4, false), 0, lease), 4, F);
        var onB = 0;
        while (b.TryAdmit(5)) onB++;
        Assert.True(a.InUse + onB <= 10, $"{a.InUse} on a + {onB} on b run at once under a cap of 10");
    }

    // As the lease keepers work: at most one sync per silo on its way, its request built and its answer applied at
    // other moments than the grain sees it, while tasks arrive, start on the slots the silo holds, and finish.
    [Fact]
    public void Sync_InFlightWhileTasksStartAndFinish_NeverRunsMoreThanTheCapClusterWide()
    {
        const long F = 1_000;
        var policy = new TaskPolicy { MaxRunning = 15 };
        var random = new Random(11);
        var silos = new[] { "a", "b", "c" }.Select(name => new SiloModel(name, new CapState(policy))).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var silo = silos[random.Next(silos.Length)];
            switch (random.Next(5))
            {
                case 0 when silo.Sent is null && silo.Answer is null:
                    silo.Sent = silo.State.Request(silo.Name, silo.Waiting);
                    break;
                case 1 when silo.Sent is { } request:
                    silo.Answer = _ledger.Sync(request, 0, adoptOnly: false);
                    silo.Sent = null;
                    break;
                case 2 when silo.Answer is { } slots:
                    silo.State.Apply(new CapGrant(slots, 0, TimeSpan.FromSeconds(5)), 0, F);
                    silo.Answer = null;
                    break;
                case 3:
                    silo.Waiting += random.Next(4);
                    while (silo.Waiting > 0 && silo.State.TryAdmit(0)) silo.Waiting--;
                    break;
                case 4:
                    for (var done = random.Next(silo.State.InUse + 1); done > 0; done--) silo.State.Release();
                    break;
            }
            Assert.True(silos.Sum(s => s.State.InUse) <= 15, $"step {i}: {string.Join(", ", silos.Select(s => $"{s.Name} {s.State.InUse}/{s.State.Slots}"))}");
        }
    }

    private sealed class SiloModel(string name, CapState state)
    {
        public string Name { get; } = name;
        public CapState State { get; } = state;
        public int Waiting { get; set; }
        public CapRequest? Sent { get; set; }
        public int? Answer { get; set; }
    }
}
