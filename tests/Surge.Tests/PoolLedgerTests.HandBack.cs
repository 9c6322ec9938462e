using Surge.Pools;

namespace Surge.Tests;

// A shard that moves to another silo takes its queued tasks along: they leave this silo's pools unstarted.
public partial class PoolLedgerTests
{
    [Fact]
    public void HandBack_ShardMovedWithQueuedGatedAndRunningTasks_QueuedAndGatedLeaveNeverStartedRunningStays()
    {
        var gate = new CountingGate("capped", slots: 1);
        var ledger = Ledger(max: 1, gate: gate);
        var running = Item(PoolKind.Long, "capped", id: "running"); // holds the gate's only slot and the silo's only slot
        var queued = Item(PoolKind.Long, id: "queued");
        var gated = Item(PoolKind.Long, "capped", id: "gated");
        var stays = Item(PoolKind.Long, id: "other shard");
        foreach (var item in new[] { running, queued, gated, stays }) ledger.Enqueue(item, 0, _decide);
        Assert.Same(running, Assert.Single(Started()));

        Assert.Equal(2, ledger.HandBack(new HashSet<string> { "running", "queued", "gated" }, 0, _decide));

        Assert.Equal([(gated, PoolLedger.ShardMoved), (queued, PoolLedger.ShardMoved)], _decide.NotStarted);
        Assert.Equal(0, ledger.WaitingAtGate("capped"));
        Assert.Equal([stays], ledger.Pools.Single(p => p.Kind == PoolKind.Long).Queue);
        Assert.True(ledger.IsActive("running") && !running.Ended); // it runs on, and reports to its shard where it moved
        foreach (var (item, _) in _decide.NotStarted.ToList()) ledger.Settle(item);
        _decide.Clear();
        End(ledger, running);
        Assert.Same(stays, Assert.Single(Started()));
        Assert.Equal(0, gate.InUse);
    }

    [Fact]
    public void HandBack_QueuedTaskHoldingAGateSlot_SlotGoesToTheNextWaiting()
    {
        var gate = new CountingGate("capped", slots: 1);
        var ledger = Ledger(max: 1, gate: gate);
        ledger.Enqueue(Item(PoolKind.Long, id: "running"), 0, _decide);
        var admitted = Item(PoolKind.Long, "capped", id: "admitted"); // past the gate, waiting for the silo's slot
        var waiting = Item(PoolKind.Long, "capped", id: "waiting");
        ledger.Enqueue(admitted, 0, _decide);
        ledger.Enqueue(waiting, 0, _decide);
        Started();
        Assert.True(admitted.HoldsGate);

        Assert.Equal(1, ledger.HandBack(new HashSet<string> { "admitted" }, 0, _decide));

        Assert.Equal([(admitted, PoolLedger.ShardMoved)], _decide.NotStarted);
        Assert.True(waiting.HoldsGate && !admitted.HoldsGate);
        Assert.Equal((0, 1), (ledger.WaitingAtGate("capped"), gate.InUse));
    }
}
