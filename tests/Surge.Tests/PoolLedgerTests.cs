using Surge.Pools;

namespace Surge.Tests;

/// <summary>The pools' rules, with no threads and no clock: every step is a call and what it decided.</summary>
public class PoolLedgerTests
{
    private readonly PoolDecisions _decide = new();

    private static PoolLedger Ledger(int max = 8, double memoryBudgetMb = 1_000_000, IStartGate? gate = null, int shortLimit = 0)
    {
        var pools = PoolLayout.Create(RoutingMode.Predicted, max, new Workers.PoolsOptions { Short = new() { Initial = shortLimit } });
        return new PoolLedger(pools, max, memoryBudgetMb, gate);
    }

    private static WorkItem Item(PoolKind pool, string type = "t", double memoryMb = 0, string? id = null)
        => new(TaskSpec.Create(type, id: id), pool, null, memoryMb: memoryMb);

    private List<WorkItem> Started()
    {
        var started = _decide.Start.Select(s => s.Item).ToList();
        _decide.Clear();
        return started;
    }

    private void End(PoolLedger ledger, WorkItem item)
    {
        ledger.Ended(item, ledger.Pools.Single(p => p.Kind == item.Pool), 1, 0, _decide);
        ledger.Settle(item);
    }

    [Fact]
    public void Enqueue_LongTasksFillTheirPool_ShortStillStartsAtOnce()
    {
        var ledger = Ledger(max: 8); // short 1, long 7
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        Assert.Equal(7, Started().Count);
        ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        Assert.Equal(PoolKind.Short, Assert.Single(Started()).Pool);
    }

    [Fact]
    public void Enqueue_ShortBurstWhileLongIdle_BorrowsIdleLongSlots()
    {
        var ledger = Ledger(max: 8);
        for (var i = 0; i < 8; i++) ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        var started = Started();
        Assert.Equal(8, started.Count);
        Assert.Equal(7, started.Count(i => i.Borrowed));
        Assert.Equal(7, ledger.Pools.Single(p => p.Kind == PoolKind.Long).Lent);
    }

    [Fact]
    public void Ended_BorrowedSlot_GoesBackToLongWork()
    {
        var ledger = Ledger(max: 2); // short 1, long 1
        var shorts = new[] { Item(PoolKind.Short), Item(PoolKind.Short) };
        foreach (var s in shorts) ledger.Enqueue(s, 0, _decide);
        Started();
        var waitingLong = Item(PoolKind.Long);
        ledger.Enqueue(waitingLong, 0, _decide);
        Assert.Empty(Started()); // its one slot is lent
        End(ledger, shorts.Single(s => s.Borrowed));
        Assert.Same(waitingLong, Assert.Single(Started()));
    }

    [Fact]
    public void Enqueue_LongWorkWaiting_ShortDoesNotBorrow()
    {
        var ledger = Ledger(max: 2);
        ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        ledger.Enqueue(Item(PoolKind.Long), 0, _decide); // waits: long has one slot
        ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        ledger.Enqueue(Item(PoolKind.Short), 0, _decide); // may not borrow: long has work waiting
        Assert.Equal(2, Started().Count);
        Assert.Single(ledger.Pools.Single(p => p.Kind == PoolKind.Short).Queue);
    }

    [Fact]
    public void SetLimit_OutsideBounds_ClampedAndStartsWhatNowFits()
    {
        var ledger = Ledger(max: 8);
        for (var i = 0; i < 9; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        Started();
        Assert.Equal(1, ledger.SetLimit(PoolKind.Long, -5, _decide));
        Assert.Empty(Started()); // running work is never stopped
        Assert.Equal(8, ledger.SetLimit(PoolKind.Long, 99, _decide));
        Assert.Single(Started());
    }

    [Fact]
    public void Enqueue_HeadOverMemoryBudget_WaitsAndHoldsWhatQueuesBehindIt()
    {
        var ledger = Ledger(max: 8, memoryBudgetMb: 1000);
        var big = Item(PoolKind.Long, memoryMb: 800);
        ledger.Enqueue(big, 0, _decide);
        var next = Item(PoolKind.Long, memoryMb: 300);
        ledger.Enqueue(next, 0, _decide);
        ledger.Enqueue(Item(PoolKind.Long, memoryMb: 1), 0, _decide); // FIFO: behind the one that does not fit
        Assert.Same(big, Assert.Single(Started()));
        Assert.Equal(1, ledger.MemoryDeferrals);
        ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        Assert.Equal(1, ledger.MemoryDeferrals); // a wait counts once
        End(ledger, big);
        Assert.Equal(3, Started().Count);
    }

    [Fact]
    public void Enqueue_TaskLargerThanBudget_RunsAloneOnceNothingElseRuns()
    {
        var ledger = Ledger(max: 8, memoryBudgetMb: 1000);
        var small = Item(PoolKind.Long, memoryMb: 10);
        ledger.Enqueue(small, 0, _decide);
        var huge = Item(PoolKind.Long, memoryMb: 5000);
        ledger.Enqueue(huge, 0, _decide);
        Assert.Same(small, Assert.Single(Started()));
        End(ledger, small);
        Assert.Same(huge, Assert.Single(Started()));
        ledger.Enqueue(Item(PoolKind.Long, memoryMb: 1), 0, _decide);
        Assert.Empty(Started()); // nothing starts beside it
    }

    [Fact]
    public void Enqueue_GatedType_WaitsAtTheGateWhileOtherTypesRun()
    {
        var gate = new CountingGate("capped", slots: 1);
        var ledger = Ledger(gate: gate);
        var first = Item(PoolKind.Long, "capped");
        var second = Item(PoolKind.Long, "capped");
        ledger.Enqueue(first, 0, _decide);
        ledger.Enqueue(second, 0, _decide);
        ledger.Enqueue(Item(PoolKind.Long, "free"), 0, _decide);
        Assert.Equal(["capped", "free"], Started().Select(i => i.Spec.Type));
        Assert.Equal(1, ledger.WaitingAtGate("capped"));

        End(ledger, first); // gives its slot back: the next waiting one takes it
        Assert.Same(second, Assert.Single(Started()));
        Assert.Equal((0, 1), (ledger.WaitingAtGate("capped"), gate.InUse));
    }

    [Fact]
    public void Reconsider_GateOpensWider_AdmitsWaitingInOrder()
    {
        var gate = new CountingGate("capped", slots: 0);
        var ledger = Ledger(gate: gate);
        var items = Enumerable.Range(0, 3).Select(_ => Item(PoolKind.Long, "capped")).ToList();
        foreach (var item in items) ledger.Enqueue(item, 0, _decide);
        Assert.Empty(Started());
        gate.Slots = 2;
        ledger.Reconsider(0, _decide);
        Assert.Equal(items.Take(2), Started());
    }

    [Fact]
    public void Cancel_QueuedAndGatedItems_ReportedNeverStartedAtOnceAndGiveNothingBack()
    {
        var gate = new CountingGate("capped", slots: 0);
        var ledger = Ledger(max: 1, gate: gate);
        var running = Item(PoolKind.Long, id: "running");
        ledger.Enqueue(running, 0, _decide);
        var queued = Item(PoolKind.Long, id: "queued");
        ledger.Enqueue(queued, 0, _decide);
        var gated = Item(PoolKind.Long, "capped", id: "gated");
        ledger.Enqueue(gated, 0, _decide);
        Started();

        Assert.True(ledger.Cancel("queued", 0, _decide));
        Assert.True(ledger.Cancel("gated", 0, _decide));
        Assert.Equal([(queued, PoolLedger.CancelledBeforeStart), (gated, PoolLedger.CancelledBeforeStart)], _decide.NotStarted);
        Assert.Equal(0, gate.InUse);

        Assert.True(ledger.Cancel("running", 0, _decide)); // marked; its owner cancels its token
        Assert.True(running.Cancelled);
        Assert.False(ledger.Cancel("unknown", 0, _decide));
    }

    [Fact]
    public void Drain_HandOver_HandsBackQueuedAndLaterWorkAndSettlesWhenRunsReport()
    {
        var gate = new CountingGate("capped", slots: 0);
        var ledger = Ledger(max: 1, gate: gate);
        var running = Item(PoolKind.Long);
        ledger.Enqueue(running, 0, _decide);
        ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        ledger.Enqueue(Item(PoolKind.Long, "capped"), 0, _decide);
        Started();

        ledger.Drain(handOver: true, _decide);
        ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        Assert.Equal(3, _decide.NotStarted.Count(n => n.Why == PoolLedger.HandedOver));
        Assert.Equal(3, ledger.HandedOverCount);
        Assert.True(ledger.IsDraining);

        foreach (var (item, _) in _decide.NotStarted.ToList()) ledger.Settle(item);
        _decide.Clear();
        Assert.False(ledger.IsSettled); // the running one has not reported
        End(ledger, running);
        Assert.True(ledger.IsSettled);
        Assert.Empty(Started());
    }

    [Fact]
    public void Drain_Finish_RunsTheQueueToItsEnd()
    {
        var ledger = Ledger(max: 1);
        var first = Item(PoolKind.Long);
        var second = Item(PoolKind.Long);
        ledger.Enqueue(first, 0, _decide);
        ledger.Enqueue(second, 0, _decide);
        Started();
        ledger.Drain(handOver: false, _decide);
        End(ledger, first);
        Assert.Same(second, Assert.Single(Started()));
        Assert.False(ledger.IsSettled);
        End(ledger, second);
        Assert.True(ledger.IsSettled);
    }

    // Random sequences of every step: the slot, memory and gate invariants hold after each, and every item is reported
    // exactly once (started and ended, or never started), so a drain always settles.
    [Fact]
    public void Ledger_RandomSteps_KeepsItsInvariantsAndReportsEveryItemOnce()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var gate = new CountingGate("capped", slots: random.Next(0, 3));
            var max = random.Next(1, 10);
            var ledger = Ledger(max, memoryBudgetMb: random.Next(1, 4) * 100, gate: gate);
            var running = new List<WorkItem>();
            var reports = new Dictionary<WorkItem, int>();
            var all = new List<WorkItem>();
            var decide = new PoolDecisions();
            // What the runner does with a step's decisions: starts run, never-started ones report and settle.
            void Absorb()
            {
                running.AddRange(decide.Start.Select(s => s.Item));
                foreach (var (never, _) in decide.NotStarted)
                {
                    ledger.Settle(never);
                    reports[never] = reports.GetValueOrDefault(never) + 1;
                }
                decide.Clear();
            }
            for (var step = 0; step < 80; step++)
            {
                switch (random.Next(7))
                {
                    case 0 or 1:
                        var item = new WorkItem(TaskSpec.Create(random.Next(3) == 0 ? "capped" : "free", id: $"t{random.Next(20)}"),
                            random.Next(2) == 0 ? PoolKind.Short : PoolKind.Long, null, memoryMb: random.Next(0, 250));
                        all.Add(item);
                        ledger.Enqueue(item, step, decide);
                        break;
                    case 2 when running.Count > 0:
                        var done = running[random.Next(running.Count)];
                        running.Remove(done);
                        ledger.Ended(done, ledger.Pools.Single(p => p.Kind == done.Pool), 1, step, decide);
                        ledger.Settle(done);
                        reports[done] = reports.GetValueOrDefault(done) + 1;
                        break;
                    case 3:
                        ledger.Cancel($"t{random.Next(20)}", step, decide);
                        break;
                    case 4:
                        gate.Slots = random.Next(0, 4);
                        ledger.Reconsider(step, decide);
                        break;
                    case 5:
                        ledger.SetLimit(random.Next(2) == 0 ? PoolKind.Short : PoolKind.Long, random.Next(0, 12), decide);
                        break;
                    case 6 when random.Next(10) == 0 && !ledger.IsDraining:
                        ledger.Drain(handOver: random.Next(2) == 0, decide);
                        break;
                }
                Absorb();

                Assert.True(running.Count <= max, $"seed {seed}: {running.Count} running over {max}");
                Assert.True(gate.InUse == running.Count(r => r.HoldsGate) + ledger.Pools.Sum(p => p.Queue.Count(i => i.HoldsGate)), $"seed {seed}: gate count"); // admitted ones hold it
                Assert.True(running.Count <= 1 || ledger.MemoryInUseMb <= ledger.MemoryBudgetMb, $"seed {seed}: memory over budget beside another task");
                Assert.All(ledger.Pools, pool => Assert.True(pool.Lent >= 0 && pool.Borrowed >= 0 && pool.Running >= pool.Borrowed, $"seed {seed}: slot counts"));
            }
            // Let everything run out: the gate opens, and every run ends.
            gate.Slots = 1_000;
            ledger.Reconsider(100, decide);
            ledger.SetLimit(PoolKind.Short, max, decide);
            ledger.SetLimit(PoolKind.Long, max, decide);
            while (true)
            {
                Absorb();
                if (running.Count == 0) break;
                var done = running[0];
                running.RemoveAt(0);
                ledger.Ended(done, ledger.Pools.Single(p => p.Kind == done.Pool), 1, 100, decide);
                ledger.Settle(done);
                reports[done] = reports.GetValueOrDefault(done) + 1;
            }
            Assert.True(ledger.IsSettled, $"seed {seed}: {ledger.Unfinished} unfinished");
            Assert.All(all, item => Assert.Equal(1, reports.GetValueOrDefault(item)));
            Assert.Equal(0, gate.InUse);
            Assert.Equal(0, ledger.MemoryInUseMb, 6);
        }
    }

    /// <summary>A start gate with a number of slots for one type; no tokens, no leases.</summary>
    private sealed class CountingGate(string type, int slots) : IStartGate
    {
        public int Slots { get; set; } = slots;
        public int InUse { get; private set; }

        public bool Gates(string t) => t == type;

        public bool TryEnter(string t, long now)
        {
            if (InUse >= Slots) return false;
            InUse++;
            return true;
        }

        public void Leave(string t) => InUse--;
    }
}
