using Surge.Pools;

namespace Surge.Tests;

// A shard asks a silo whether it holds a dispatch whose batch there failed (PoolLedger.Probe): the answer binds the silo.
public partial class PoolLedgerTests
{
    // Not held: the shard runs the task again. That attempt and earlier ones, should their batch still come, are dropped
    // and reported never started; the recovery's later attempt is taken.
    [Fact]
    public void Probe_AttemptNotHere_ItAndEarlierOnesDroppedAndReportedNeverStartedLaterTaken()
    {
        var ledger = Ledger();
        Assert.False(ledger.Probe("a", 2));

        foreach (var attempt in (int[])[2, 1])
        {
            var late = Attempt("a", attempt);
            Assert.False(ledger.DropLate(late)); // nothing here answers for it
            Assert.True(ledger.DropBarred(late, _decide));
            var (never, why) = Assert.Single(_decide.NotStarted);
            Assert.Equal((late, PoolLedger.BarredDispatch, attempt), (never, why, never.ReportsAs));
            ledger.Settle(never);
            _decide.Clear();
        }
        Assert.False(ledger.BarredByCancel("a")); // a probe's bar: the late batch is an anomaly worth a warning
        var recovery = Attempt("a", 3);
        Assert.False(ledger.DropBarred(recovery, _decide));
        ledger.Enqueue(recovery, 0, _decide);
        Assert.Equal(recovery, Assert.Single(Started()));
        Assert.False(ledger.DropBarred(Attempt("b", 1), _decide)); // another task
    }

    // A cancel that finds nothing here: the cancelled attempt's batch may still be on its way. Arriving after the
    // cancel, it is dropped and reported never started, as a probed attempt is: a cancelled task never starts.
    [Fact]
    public void Cancel_WithItsDispatchStillOnItsWay_ArrivingAttemptDroppedNeverStarted()
    {
        var ledger = Ledger();
        Assert.False(ledger.Cancel("a", 0, _decide, new DispatchProbe("a", 2)));

        var late = Attempt("a", 2);
        Assert.False(ledger.DropLate(late));
        Assert.True(ledger.DropBarred(late, _decide));
        var (never, why) = Assert.Single(_decide.NotStarted);
        Assert.Equal((late, PoolLedger.CancelledBeforeStart, true), (never, why, ledger.BarredByCancel("a")));
        Assert.False(ledger.DropBarred(Attempt("b", 2), _decide)); // another task's dispatch is taken
    }

    // Held: the attempt asked about is here, or an earlier one still queued or running answers for it from now on (as
    // when the attempt arrives while it is here); a run that is over answers for nothing later. Asked, the silo takes
    // no more of those attempts either way.
    [Theory]
    [InlineData(1, false, true)]
    [InlineData(1, true, false)]
    [InlineData(2, false, true)]
    [InlineData(2, true, true)]
    public void Probe_AttemptOrAnEarlierRunHere_HeldAndTheRunReportsForIt(int here, bool over, bool held)
    {
        var ledger = Ledger();
        var item = Attempt("a", here);
        ledger.Enqueue(item, 0, _decide);
        Assert.Single(Started());
        if (over) ledger.Ended(item, ledger.Pools.Single(p => p.Kind == PoolKind.Long), 1, 0, _decide);

        Assert.Equal(held, ledger.Probe("a", 2));
        Assert.Equal(held ? 2 : here, item.ReportsAs);
        Assert.Equal(2, ledger.BarredAttempt("a"));
    }

    // An id submitted again once its record was forgotten (purged, or past retention) counts its attempts from 1 again.
    // The earlier record's bar is not the new record's: its dispatches here are taken (before, its first two were
    // dropped as late batches and handed back, each waiting for the shard's upkeep when the shard is on this silo),
    // while a late batch of the earlier record is still dropped.
    [Fact]
    public void Probe_IdSubmittedAgainAfterItsRecordWasForgotten_NewRecordsDispatchTaken()
    {
        var ledger = Ledger();
        var earlier = DateTimeOffset.UnixEpoch;
        Assert.False(ledger.Probe("a", 2, earlier));

        var late = new WorkItem(TaskSpec.Create("t", id: "a"), PoolKind.Long, null, attempt: 1, submittedAt: earlier);
        Assert.True(ledger.DropBarred(late, _decide));
        ledger.Settle(Assert.Single(_decide.NotStarted).Item);
        _decide.Clear();

        var again = new WorkItem(TaskSpec.Create("t", id: "a"), PoolKind.Long, null, attempt: 1, submittedAt: earlier.AddDays(1));
        Assert.False(ledger.DropLate(again));
        Assert.False(ledger.DropBarred(again, _decide));
        ledger.Enqueue(again, 0, _decide);
        Assert.Equal(again, Assert.Single(Started()));
    }

    // A record the shard no longer has is asked about as attempt 0: answered, and nothing barred.
    [Fact]
    public void Probe_AttemptZero_BarsNothing()
    {
        var ledger = Ledger();
        Assert.False(ledger.Probe("a", 0));
        Assert.False(ledger.DropBarred(Attempt("a", 1), _decide));
    }

    // Bars are bounded: past MaxBars the oldest go first; a later question about a barred task raises its bar in place.
    [Fact]
    public void Probe_PastMaxBars_OldestBarsGoFirst()
    {
        var ledger = Ledger();
        Assert.False(ledger.Probe("first", 1));
        Assert.False(ledger.Probe("second", 1));
        Assert.False(ledger.Probe("first", 3)); // raised, not added again
        for (var i = 0; i < PoolLedger.MaxBars - 1; i++) ledger.Probe($"t{i}", 1);

        Assert.Equal(0, ledger.BarredAttempt("first"));
        Assert.Equal(1, ledger.BarredAttempt("second"));
        Assert.Equal(1, ledger.BarredAttempt($"t{PoolLedger.MaxBars - 2}"));
    }
}
