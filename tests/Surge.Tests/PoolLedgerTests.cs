using Surge.Pools;

namespace Surge.Tests;

/// <summary>The pools' rules, with no threads and no clock: every step is a call and what it decided.</summary>
public partial class PoolLedgerTests
{
    private readonly PoolDecisions _decide = new();

    private const long TicksPerSecond = 1000; // a tick is a millisecond here

    private static PoolLedger Ledger(int max = 8, double memoryBudgetMb = 1_000_000, IStartGate? gate = null, int shortLimit = 0, bool adaptive = false, int shortMin = 1)
    {
        var pools = PoolLayout.Create(new PoolShape(RoutingMode.Predicted, adaptive), max, new Workers.PoolsOptions { Short = new() { Initial = shortLimit, Min = shortMin } }, TicksPerSecond);
        return new PoolLedger(pools, max, memoryBudgetMb, gate);
    }

    // upperMs: the router's cautious guess; over guessMs, the duration is a guess that may be wrong (WorkItem.IsGuess).
    private static WorkItem Item(PoolKind pool, string type = "t", double memoryMb = 0, string? id = null, double? guessMs = null, double? upperMs = null)
        => new(TaskSpec.Create(type, id: id), pool, guessMs, memoryMb: memoryMb, upperMs: upperMs);

    // An adaptive silo of 8 slots whose long pool runs 7 and has 3 more waiting; the reserve (1 slot) is idle.
    private (PoolLedger Ledger, PoolSlots Short, PoolSlots Long, List<WorkItem> Running) LongBacklog()
    {
        var ledger = Ledger(max: 8, adaptive: true);
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        var running = Started();
        Assert.Equal(7, running.Count);
        return (ledger, ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long), running);
    }

    // An adaptive silo of 8 slots whose reserve keeps 2 (its Min) and whose long pool runs 6 and has 4 more waiting:
    // both reserve slots are idle, so lending one still leaves one for a burst.
    private (PoolLedger Ledger, PoolSlots Short, PoolSlots Long, List<WorkItem> Running) LongBacklogBesideTwoIdle()
    {
        var ledger = Ledger(max: 8, adaptive: true, shortMin: 2);
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        var running = Started();
        Assert.Equal(6, running.Count);
        return (ledger, ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long), running);
    }

    private List<WorkItem> Started()
    {
        var started = _decide.Start.Select(s => s.Item).ToList();
        _decide.Clear();
        return started;
    }

    // One long task at time 0 that ran runMs: the long pool's mean run and its share of recent work.
    private void RunLong(PoolLedger ledger, PoolSlots longPool, double runMs)
    {
        var item = Item(PoolKind.Long);
        ledger.Enqueue(item, 0, _decide);
        Started();
        ledger.Ended(item, longPool, runMs, 0, _decide);
        ledger.Settle(item);
    }

    // 400 short tasks, one every everyMs from time 0, each running 10 ms: the short pool's burst load.
    private void RunShort(PoolLedger ledger, PoolSlots shortPool, int everyMs)
    {
        for (var i = 0; i < 400; i++)
        {
            var item = Item(PoolKind.Short);
            ledger.Enqueue(item, i * everyMs, _decide);
            Started();
            ledger.Ended(item, shortPool, 10, i * everyMs + 10, _decide);
            ledger.Settle(item);
        }
    }

    private void End(PoolLedger ledger, WorkItem item)
    {
        ledger.Ended(item, ledger.Pools.Single(p => p.Kind == item.Pool), 1, 0, _decide);
        ledger.Settle(item);
    }

    [Theory]
    [InlineData(PoolKind.Short)]
    [InlineData(PoolKind.Long)]
    public void Create_SiloHostsOnePool_ThatPoolHasEverySlot(PoolKind hosted)
    {
        var pools = PoolLayout.Create(new PoolShape(RoutingMode.Predicted, Adaptive: true, Pools: [hosted]), 8, new Workers.PoolsOptions(), TicksPerSecond);
        var only = Assert.Single(pools);
        Assert.Equal((hosted, 8, 8), (only.Kind, only.Limit, only.Max));
    }

    [Fact]
    public void Create_SiloHostsNoPoolOfItsMode_NoPools()
        => Assert.Empty(PoolLayout.Create(new PoolShape(RoutingMode.Single, Pools: [PoolKind.Short]), 8, new Workers.PoolsOptions(), TicksPerSecond));

    // The shard's batch with attempt 1 timed out and arrived after all, once its recovery's attempt 2 was here; or the
    // same dispatch came twice.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WouldRunTwice_AttemptNotAboveOneHeld_True(int arriving)
    {
        var ledger = Ledger();
        ledger.Enqueue(Attempt("a", 2), 0, _decide);

        Assert.True(ledger.WouldRunTwice(Attempt("a", arriving)));
    }

    // The late attempt 1 got here first and runs (or waits for a slot): the recovery's attempt 2 would run beside it.
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the long pool's 7 slots busy: attempt 1 is queued
    public void WouldRunTwice_EarlierAttemptQueuedOrRunning_True(bool busy)
    {
        var ledger = Ledger(max: 8);
        for (var i = 0; busy && i < 7; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        ledger.Enqueue(Attempt("a", 1), 0, _decide);
        Assert.Equal(busy ? 1 : 0, ledger.Pools.Single(p => p.Kind == PoolKind.Long).Queue.Count);

        Assert.True(ledger.WouldRunTwice(Attempt("a", 2)));
    }

    // A retry's dispatch may overtake the failed attempt's report; a cancelled run's task may be run again.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WouldRunTwice_EarlierAttemptOverOrCancelled_False(bool cancelled)
    {
        var ledger = Ledger();
        var first = Attempt("a", 1);
        ledger.Enqueue(first, 0, _decide);
        Started();
        if (cancelled) ledger.Cancel("a", 0, _decide);
        else ledger.Ended(first, ledger.Pools.Single(p => p.Kind == PoolKind.Long), 1, 0, _decide);

        Assert.False(ledger.WouldRunTwice(Attempt("a", 2)));
    }

    [Fact]
    public void WouldRunTwice_OtherTaskOrSettledRun_False()
    {
        var ledger = Ledger();
        var run = Attempt("a", 2);
        ledger.Enqueue(run, 0, _decide);
        Assert.False(ledger.WouldRunTwice(Attempt("b", 1)));

        ledger.Ended(run, ledger.Pools.Single(p => p.Kind == PoolKind.Long), 1, 0, _decide);
        ledger.Settle(run);

        Assert.False(ledger.WouldRunTwice(Attempt("a", 1)));
    }

    // The recovery's attempt 2 arrives while the late attempt 1 waits or runs here: dropped, and attempt 1 answers for it,
    // since the record waits for attempt 2 and a dropped dispatch never reports. A repeated delivery of attempt 2 is
    // dropped too, even once attempt 1's run is over and reports.
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the long pool's 7 slots busy: attempt 1 is queued
    public void DropLate_LaterAttemptWhileAnEarlierOneQueuedOrRunning_TheEarlierReportsAsIt(bool busy)
    {
        var ledger = Ledger(max: 8);
        for (var i = 0; busy && i < 7; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        var late = Attempt("a", 1);
        ledger.Enqueue(late, 0, _decide);

        Assert.True(ledger.DropLate(Attempt("a", 2)));
        Assert.Equal((1, 2), (late.Attempt, late.ReportsAs));

        if (busy) return;
        ledger.Ended(late, ledger.Pools.Single(p => p.Kind == PoolKind.Long), 1, 0, _decide);
        Assert.True(ledger.DropLate(Attempt("a", 2)));
        Assert.False(ledger.DropLate(Attempt("a", 3))); // a retry after its reported failure is taken
    }

    // A late attempt 1 arriving while the recovery's attempt 2 is here: dropped, and attempt 2 still reports as itself.
    // A dispatch that is taken leaves what is held alone, and one handed back unstarted answers for no later attempt.
    [Fact]
    public void DropLate_EarlierAttemptOrNothingHeld_HeldKeepsItsOwnAttempt()
    {
        var ledger = Ledger();
        var current = Attempt("a", 2);
        Assert.False(ledger.DropLate(current));
        ledger.Enqueue(current, 0, _decide);

        Assert.True(ledger.DropLate(Attempt("a", 1)));
        Assert.False(ledger.DropLate(Attempt("b", 3)));
        Assert.Equal(2, current.ReportsAs);

        ledger.Drain(handOver: true, _decide);
        var handedBack = Attempt("c", 1);
        ledger.Enqueue(handedBack, 0, _decide);
        Assert.False(ledger.DropLate(Attempt("c", 2))); // handed back too, as itself
        Assert.Equal(1, handedBack.ReportsAs);
    }

    private static WorkItem Attempt(string id, int attempt) => new(TaskSpec.Create("t", id: id), PoolKind.Long, null, attempt: attempt);

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
    public void Enqueue_ShortBurstWhileLongIdle_TakesEveryIdleSlot()
    {
        var ledger = Ledger(max: 8);
        for (var i = 0; i < 8; i++) ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        Assert.Equal(8, Started().Count);
        Assert.Equal(8, ledger.Pools.Single(p => p.Kind == PoolKind.Short).Running);
    }

    [Fact]
    public void Ended_ShortBeyondItsReserve_SlotGoesBackToLongWork()
    {
        var ledger = Ledger(max: 2); // short 1, long 1
        var shorts = new[] { Item(PoolKind.Short), Item(PoolKind.Short) };
        foreach (var s in shorts) ledger.Enqueue(s, 0, _decide);
        Started();
        var waitingLong = Item(PoolKind.Long);
        ledger.Enqueue(waitingLong, 0, _decide);
        Assert.Empty(Started()); // the second short holds the long pool's slot
        End(ledger, shorts[1]);
        Assert.Same(waitingLong, Assert.Single(Started()));
    }

    [Fact]
    public void Enqueue_LongAtItsLimitWithWorkWaiting_ShortTakesTheSlotsNobodyUses()
    {
        var ledger = Ledger(max: 8); // short 1, long 7
        ledger.SetLimit(PoolKind.Long, 2, _decide);
        for (var i = 0; i < 3; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide); // 2 run, 1 waits for long's limit
        Assert.Equal(2, Started().Count);
        for (var i = 0; i < 7; i++) ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        Assert.Equal(6, Started().Count); // every idle slot of the 8: the reserve and what long's limit leaves
        Assert.Single(ledger.Pools.Single(p => p.Kind == PoolKind.Short).Queue);
    }

    [Fact]
    public void Enqueue_LongBacklog_NeverTakesTheShortReserve()
    {
        var ledger = Ledger(max: 8, shortLimit: 3);
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        Assert.Equal(5, Started().Count);
        for (var i = 0; i < 3; i++) ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        Assert.Equal(3, Started().Count); // at once: the reserve was free
    }

    [Fact]
    public void Enqueue_AdaptiveShortBursts_ReserveGrowsAtOnceAndLongKeepsClear()
    {
        var ledger = Ledger(max: 8, adaptive: true);
        var shortPool = ledger.Pools.Single(p => p.Kind == PoolKind.Short);
        Assert.Equal(1, shortPool.Limit);
        RunShort(ledger, shortPool, everyMs: 5); // two slots of load, four reserved at 0.6 utilization
        Assert.Equal(4, shortPool.Limit);
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 60_000, _decide);
        Assert.Equal(4, Started().Count); // 8 slots less the reserve of 4
    }

    [Fact]
    public void Enqueue_LongBacklogDeeperThanItsSlots_TakesTheReserveHeadroomButNotTheLeanReserve()
    {
        var ledger = Ledger(max: 8, adaptive: true);
        var (shortPool, longPool) = (ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long));
        RunLong(ledger, longPool, runMs: 60_000); // long work did a minute of the recent work
        RunShort(ledger, shortPool, everyMs: 10); // a slot of load, 4 s of work
        Assert.Equal((2, 1), (shortPool.Limit, shortPool.Reserve!.Lean)); // bursts want 2; the short share is under 1 slot
        for (var i = 0; i < 12; i++) ledger.Enqueue(Item(PoolKind.Long), 5_000, _decide);
        Assert.Equal(6, Started().Count); // 6 wait, as many as long's slots beside the reserve: one round clears them
        ledger.Enqueue(Item(PoolKind.Long), 5_000, _decide);
        Assert.Single(Started()); // 7 wait: a backlog longer than a run takes the headroom slot
        for (var i = 0; i < 20; i++) ledger.Enqueue(Item(PoolKind.Long), 5_000, _decide);
        Assert.Empty(Started()); // never the lean reserve
        ledger.Enqueue(Item(PoolKind.Short), 5_000, _decide);
        Assert.Equal(PoolKind.Short, Assert.Single(Started()).Pool);
    }

    [Fact]
    public void Reconsider_OldestLongWaitedHalfAMeanLongRun_ReserveLentDownToItsMin()
    {
        var ledger = Ledger(max: 8, adaptive: true);
        var (shortPool, longPool) = (ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long));
        RunLong(ledger, longPool, runMs: 1_000); // long tasks run a second
        RunShort(ledger, shortPool, everyMs: 5); // two slots of load
        Assert.Equal((4, 4), (shortPool.Limit, shortPool.Reserve!.Lean));
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 5_000, _decide);
        Assert.Equal(4, Started().Count); // 8 less the reserve of 4; 6 wait
        ledger.Reconsider(5_499, _decide);
        Assert.Empty(Started()); // the oldest has waited less than half a long run
        ledger.Reconsider(5_500, _decide);
        Assert.Equal(3, Started().Count); // half a long run's wait: the reserve keeps only its Min of 1
        ledger.Enqueue(Item(PoolKind.Short), 5_500, _decide);
        Assert.Equal(PoolKind.Short, Assert.Single(Started()).Pool); // which a short task still finds free
    }

    [Fact]
    public void Enqueue_DeepLongBacklogBesideAHandSetReserve_ReserveKeptWhole()
    {
        var ledger = Ledger(max: 8, shortLimit: 2);
        for (var i = 0; i < 50; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        Assert.Equal(6, Started().Count);
    }

    [Fact]
    public void SetLimit_ReserveSizedBySilo_CapsHowFarItGrows()
    {
        var ledger = Ledger(max: 8, adaptive: true);
        var shortPool = ledger.Pools.Single(p => p.Kind == PoolKind.Short);
        Assert.Equal(2, ledger.SetLimit(PoolKind.Short, 2, _decide));
        for (var i = 0; i < 100; i++) ledger.Enqueue(Item(PoolKind.Short), i, _decide); // a heavy burst
        Assert.Equal(2, shortPool.Limit);
        Assert.Equal(3, ledger.SetLimit(PoolKind.Long, 3, _decide)); // long work's limit is a bound, as ever
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

    [Theory]
    [InlineData(49.9, true)]
    [InlineData(50, false)] // the router's threshold (Surge:Routing:ShortThresholdMs, 50 by default): not guessed short
    public void Enqueue_LongTaskGuessedShort_TakesTheIdleReserveSlotAheadOfTheLongQueue(double guessMs, bool lent)
    {
        var (ledger, shortPool, longPool, _) = LongBacklogBesideTwoIdle();
        var guessed = Item(PoolKind.Long, guessMs: guessMs);
        ledger.Enqueue(guessed, 0, _decide);
        Assert.Equal(lent ? [guessed] : [], Started());
        Assert.Equal(lent, guessed.Borrowed);
        Assert.Equal((lent ? 1 : 0, lent ? 1 : 0, 6), (shortPool.Running, shortPool.Lent, longPool.Running));
        Assert.Equal(lent ? 4 : 5, longPool.Queue.Count);
    }

    [Theory]
    [InlineData(74.9, 80.0, true)]
    [InlineData(75.0, 80.0, false)] // 1.5 thresholds (PoolSlots.GuessBelowThresholds)
    [InlineData(60.0, 60.0, false)] // a known duration (oracle routing), not a guess: over the threshold it is long work
    [InlineData(60.0, null, false)] // no cautious guess came with it (the shard routed it): as a known duration
    public void Enqueue_LongTaskWhoseGuessIsNearlyShort_TakesTheIdleReserveSlotBelowOneAndAHalfThresholds(double guessMs, double? upperMs, bool lent)
    {
        var (ledger, shortPool, _, _) = LongBacklogBesideTwoIdle();
        var guessed = Item(PoolKind.Long, guessMs: guessMs, upperMs: upperMs);
        ledger.Enqueue(guessed, 0, _decide);
        Assert.Equal(lent ? [guessed] : [], Started());
        Assert.Equal((lent, lent ? 1 : 0), (guessed.Borrowed, shortPool.Lent));
    }

    [Theory]
    [InlineData(49.9, null)]
    [InlineData(60.0, 80.0)]
    public void Enqueue_LongTaskGuessedShortWithOneSlotIdle_WaitsAndABurstFindsTheSlot(double guessMs, double? upperMs)
    {
        var (ledger, shortPool, longPool, _) = LongBacklog(); // 7 of 8 slots busy: lending the last would leave a burst none
        var guessed = Item(PoolKind.Long, guessMs: guessMs, upperMs: upperMs);
        ledger.Enqueue(guessed, 0, _decide);
        Assert.Empty(Started());
        Assert.Equal((false, 0), (guessed.Borrowed, shortPool.Lent));
        var burst = Item(PoolKind.Short);
        ledger.Enqueue(burst, 0, _decide);
        Assert.Same(burst, Assert.Single(Started()));
        Assert.Equal(4, longPool.Queue.Count);
    }

    [Theory]
    [InlineData(62.4, true)]
    [InlineData(62.5, false)] // 1.25 thresholds
    public void Ended_LongTaskGuessedNearlyShortWaiting_StartsFirstOnTheFreedLongSlot(double guessMs, bool first)
    {
        var (ledger, _, longPool, running) = LongBacklog();
        var guessed = Item(PoolKind.Long, guessMs: guessMs);
        ledger.Enqueue(guessed, 0, _decide);
        Assert.Empty(Started()); // over the threshold: no reserve slot
        var oldest = longPool.Queue.Peek();
        End(ledger, running[0]);
        Assert.Same(first ? guessed : oldest, Assert.Single(Started()));
    }

    [Theory]
    [InlineData(74.9, 80.0, true)]
    [InlineData(75.0, 80.0, false)] // 1.5 thresholds, for a guess
    [InlineData(70.0, 70.0, false)] // a known duration starts first only under 1.25 thresholds
    public void Ended_LongTaskWhoseGuessIsNearlyShortWaiting_StartsFirstBelowOneAndAHalfThresholds(double guessMs, double upperMs, bool first)
    {
        var (ledger, _, longPool, running) = LongBacklog();
        var guessed = Item(PoolKind.Long, guessMs: guessMs, upperMs: upperMs);
        ledger.Enqueue(guessed, 0, _decide);
        Assert.Empty(Started()); // one slot idle: not lent
        var oldest = longPool.Queue.Peek();
        End(ledger, running[0]);
        Assert.Same(first ? guessed : oldest, Assert.Single(Started()));
    }

    [Fact]
    public void Enqueue_SecondLongTaskGuessedShortWhileOneIsLent_WaitsUntilTheLentSlotIsBack()
    {
        var ledger = Ledger(max: 8, adaptive: true);
        var (shortPool, longPool) = (ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long));
        RunLong(ledger, longPool, runMs: 10_000); // long runs are long: the reserve is not lent to long work in this test
        RunShort(ledger, shortPool, everyMs: 5); // two slots of load: a reserve of 4
        for (var i = 0; i < 10; i++) ledger.Enqueue(Item(PoolKind.Long), 5_000, _decide);
        Assert.Equal(5, Started().Count); // all but the lean reserve of 3: the reserve's slots are idle
        var (first, second) = (Item(PoolKind.Long, guessMs: 10), Item(PoolKind.Long, guessMs: 10));
        ledger.Enqueue(first, 5_000, _decide);
        ledger.Enqueue(second, 5_000, _decide);
        Assert.Same(first, Assert.Single(Started())); // PoolSlots.MostLent at once
        ledger.Ended(first, longPool, 30, 5_030, _decide);
        ledger.Settle(first);
        Assert.Same(second, Assert.Single(Started()));
        Assert.Equal((1, 1), (shortPool.Running, shortPool.Lent));
    }

    [Fact]
    public void Ended_LentTask_SlotBackToTheReserveAndCountedAsLongWork()
    {
        var (ledger, shortPool, longPool, _) = LongBacklogBesideTwoIdle();
        var lent = Item(PoolKind.Long, guessMs: 20);
        ledger.Enqueue(lent, 0, _decide);
        Assert.True(Assert.Single(Started()).Borrowed);
        Assert.Equal((7L, 0L), (longPool.Started, shortPool.Started)); // started as long work
        End(ledger, lent); // the runner ends it with the pool it started from: the long pool
        Assert.Equal((0, 0, 6), (shortPool.Running, shortPool.Lent, longPool.Running));
        Assert.Equal((1L, 0L), (longPool.Completed, shortPool.Completed));
        ledger.Enqueue(Item(PoolKind.Short), 0, _decide);
        Assert.Equal(PoolKind.Short, Assert.Single(Started()).Pool); // the reserve slot is free again
    }

    [Fact]
    public void Enqueue_ShortTaskWaiting_ReserveNotLent()
    {
        var ledger = Ledger(max: 2, memoryBudgetMb: 100, adaptive: true); // reserve 1, long 1
        var heavyLong = Item(PoolKind.Long, memoryMb: 60);
        ledger.Enqueue(heavyLong, 0, _decide);
        ledger.Enqueue(Item(PoolKind.Short, memoryMb: 60), 0, _decide); // waits for memory, in its reserve's queue
        var guessed = Item(PoolKind.Long, guessMs: 10);
        ledger.Enqueue(guessed, 0, _decide);
        Assert.Same(heavyLong, Assert.Single(Started()));
        Assert.False(guessed.Borrowed);
    }

    [Fact]
    public void Enqueue_HandSetReserve_NeverLentAndLongQueueKeepsFifo()
    {
        var ledger = Ledger(max: 8, shortLimit: 1);
        for (var i = 0; i < 9; i++) ledger.Enqueue(Item(PoolKind.Long), 0, _decide);
        var running = Started();
        ledger.Enqueue(Item(PoolKind.Long, guessMs: 10), 0, _decide);
        Assert.Empty(Started());
        var oldest = ledger.Pools.Single(p => p.Kind == PoolKind.Long).Queue.Peek();
        End(ledger, running[0]);
        Assert.Same(oldest, Assert.Single(Started()));
    }

    [Fact]
    public void Cancel_QueuedTaskGuessedShort_LeavesAndTheQueueGoesOnInOrder()
    {
        var (ledger, shortPool, longPool, running) = LongBacklog();
        ledger.Enqueue(Item(PoolKind.Long, guessMs: 55, id: "guessed"), 0, _decide);
        Assert.True(ledger.Cancel("guessed", 0, _decide));
        Assert.Equal(0, longPool.FirstQueued);
        var oldest = longPool.Queue.Peek();
        End(ledger, running[0]);
        Assert.Same(oldest, Assert.Single(Started()));
    }

    [Fact]
    public void SetLimit_OutsideBounds_ClampedAndStartsWhatNowFits()
    {
        var ledger = Ledger(max: 8); // short 1, long 7
        var longs = Enumerable.Range(0, 15).Select(_ => Item(PoolKind.Long)).ToList();
        foreach (var item in longs) ledger.Enqueue(item, 0, _decide);
        var running = Started();
        Assert.Equal(7, running.Count);
        Assert.Equal(1, ledger.SetLimit(PoolKind.Long, -5, _decide));
        Assert.Empty(Started()); // running work is never stopped
        foreach (var item in running.Skip(1)) End(ledger, item);
        Assert.Empty(Started()); // one runs: the limit
        Assert.Equal(8, ledger.SetLimit(PoolKind.Long, 99, _decide));
        Assert.Equal(6, Started().Count); // up to 7 running: the short reserve stays free
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

    // Random sequences of every step (a shard's hand-back too): the slot, memory and gate invariants hold after each, and
    // every item is reported exactly once (started and ended, or never started), so a drain always settles.
    [Fact]
    public void Ledger_RandomSteps_KeepsItsInvariantsAndReportsEveryItemOnce()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var gate = new CountingGate("capped", slots: random.Next(0, 3));
            var max = random.Next(1, 10);
            var ledger = Ledger(max, memoryBudgetMb: random.Next(1, 4) * 100, gate: gate, adaptive: seed % 2 == 1);
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
                switch (random.Next(8))
                {
                    case 0 or 1:
                        var guess = Guesses[random.Next(Guesses.Length)];
                        var item = new WorkItem(TaskSpec.Create(random.Next(3) == 0 ? "capped" : "free", id: $"t{random.Next(20)}"),
                            random.Next(2) == 0 ? PoolKind.Short : PoolKind.Long, guess, memoryMb: random.Next(0, 250),
                            upperMs: random.Next(3) switch { 0 => null, 1 => guess, _ => guess * 1.6 }); // unknown, known, a guess
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
                    case 7: // a shard moved, taking some tasks along
                        ledger.HandBack(Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"t{random.Next(20)}").ToHashSet(), step, decide);
                        break;
                }
                var longStarts = decide.Start.Where(s => s.Item.Pool == PoolKind.Long && !s.Item.Borrowed).Select(s => s.Item).ToList();
                var lastLong = longStarts.LastOrDefault();
                var lentNow = decide.Start.Any(s => s.Item.Borrowed);
                var idleBefore = max - running.Count; // slots idle before this step's starts
                Absorb();

                // Long work takes a reserve the silo sizes only by its rules (checked after the step, on the last long
                // start, which went furthest): the headroom while more wait than long's slots beside the reserve (that
                // start left at least so many), all but the Min once that task had waited half a mean long run; a hand-set
                // reserve never.
                var (shorts, longs) = (ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long));
                if (lastLong is not null && longs.Running > longs.Min)
                {
                    // The reserve lends by the wait of the oldest queued long task, which a task that starts first passes.
                    var oldest = longStarts.Concat(longs.Queue).Min(i => i.EnqueuedAt);
                    var waitedARun = shorts.Reserve is not null && longs.MeanRunMs > 0 && step - oldest >= PoolSlots.LendAfterRuns * longs.MeanRunMs;
                    var lean = Math.Min(shorts.Limit, shorts.Reserve?.Lean ?? shorts.Limit);
                    var kept = waitedARun ? Math.Min(shorts.Limit, shorts.Min) : lean;
                    Assert.True(longs.Running + Math.Max(kept, shorts.Running) <= max, $"seed {seed} step {step}: long {longs.Running} took the reserve's {kept} kept slots");
                    Assert.True(longs.Running + Math.Max(shorts.Limit, shorts.Running) <= max || longs.Queue.Count >= max - shorts.Limit || waitedARun,
                        $"seed {seed} step {step}: long {longs.Running} took the headroom with {longs.Queue.Count} waiting");
                }
                Assert.True(running.Count <= max, $"seed {seed}: {running.Count} running over {max}");
                Assert.True(gate.InUse == running.Count(r => r.HoldsGate) + ledger.Pools.Sum(p => p.Queue.Count(i => i.HoldsGate)), $"seed {seed}: gate count"); // admitted ones hold it
                Assert.True(running.Count <= 1 || ledger.MemoryInUseMb <= ledger.MemoryBudgetMb, $"seed {seed}: memory over budget beside another task");
                // Slots by the pool whose slot each run took: a long-pool task lent a reserve slot runs in the short pool's.
                Assert.All(ledger.Pools, pool => Assert.Equal(running.Count(r => (r.Borrowed ? PoolKind.Short : r.Pool) == pool.Kind), pool.Running));
                Assert.All(ledger.Pools, pool => Assert.Equal(pool.Queue.Count(pool.StartsFirst), pool.FirstQueued));
                Assert.All(ledger.Pools, pool => Assert.Equal(pool.Queue.Count(pool.MayBorrow), pool.LendableQueued));
                // Lent reserve slots: only to long tasks guessed under the threshold (under 1.5 thresholds when the
                // duration is a guess), only while the silo sizes the reserve, never more than MostLent at once, never
                // while a short task waits, and never the silo's last idle slot.
                var lent = running.Where(r => r.Borrowed).ToList();
                Assert.Equal(lent.Count, shorts.Lent);
                Assert.True(lent.Count <= PoolSlots.MostLent, $"seed {seed} step {step}: {lent.Count} lent");
                Assert.All(lent, r => Assert.True(r.Pool == PoolKind.Long && shorts.Reserve is not null
                    && (r.PredictedMs < ThresholdMs || (r.IsGuess && r.PredictedMs < PoolSlots.GuessBelowThresholds * ThresholdMs)), $"seed {seed} step {step}: lent {r.PredictedMs} (cautious {r.UpperMs})"));
                Assert.True(!lentNow || shorts.Queue.Count == 0, $"seed {seed} step {step}: lent while short work waits");
                Assert.True(!lentNow || running.Count < max, $"seed {seed} step {step}: lent the last idle slot ({idleBefore} were idle)");
                // Work-conserving: short work waits only for a full silo, for memory, or for slots long work is owed.
                var (shortPool, longPool) = (ledger.Pools.Single(p => p.Kind == PoolKind.Short), ledger.Pools.Single(p => p.Kind == PoolKind.Long));
                if (shortPool.Queue.TryPeek(out var head) && !ledger.IsDraining)
                {
                    var memoryBlocks = running.Count > 0 && ledger.MemoryInUseMb + head.MemoryMb > ledger.MemoryBudgetMb;
                    var owedToLong = longPool.Queue.Count > 0 && shortPool.Running >= Math.Max(shortPool.Limit, max - longPool.Limit);
                    Assert.True(running.Count == max || memoryBlocks || owedToLong, $"seed {seed} step {step}: short work waits with {running.Count} of {max} slots in use; short {shortPool.Running}/{shortPool.Limit} q{shortPool.Queue.Count}, long {longPool.Running}/{longPool.Limit} q{longPool.Queue.Count}, mem {ledger.MemoryInUseMb}+{head.MemoryMb}/{ledger.MemoryBudgetMb}");
                }
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

    private const double ThresholdMs = Routing.RoutingOptions.DefaultShortThresholdMs;

    // Point guesses of random items: none, on either side of the threshold, of 1.25 and of 1.5 thresholds, and long.
    private static readonly double?[] Guesses = [null, 10, 49.9, 50, 62.4, 62.5, 74.9, 75, 200];

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
