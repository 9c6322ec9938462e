using Microsoft.Extensions.Time.Testing;
using Surge.Entities;

namespace Surge.Tests;

public class EntitySequencerTests
{
    private const int MaxHeld = 100;
    private readonly FakeTimeProvider _time = new();
    private readonly EntitySequencer _sequencer = new(new EntityRecord());

    private static EntityEvent Event(string id, string? name, string? after = null, long? sequence = null) => new(id, name, after, sequence);

    private Admission Admit(EntityEvent e) => _sequencer.Admit(e, _time.GetUtcNow(), MaxHeld);

    private string? Release() => _sequencer.TryRelease(_time.GetUtcNow())?.TaskId;

    [Fact]
    public void Admit_FinishedArrivesFirst_HeldUntilStartedHandled()
    {
        Assert.Equal(Admission.Held, Admit(Event("f", "build.finished", after: "build.started")));
        Assert.Equal(Admission.Released, Admit(Event("s", "build.started")));
        Assert.Null(Release()); // one at a time: started still runs

        Assert.True(_sequencer.End("s"));
        Assert.Equal("f", Release());
    }

    [Fact]
    public void Settle_WhatTheShardSays_EndedHandledUnknownForgottenRunningOrHeldKept()
    {
        Assert.Equal(Admission.Released, Admit(Event("s", "build.started")));
        Assert.Equal(Admission.Held, Admit(Event("f", "build.finished", after: "build.started")));
        Assert.False(_sequencer.Settle("s", EventRun.Running)); // a retry recorded it: it stays
        Assert.False(_sequencer.Settle("f", EventRun.Held));
        Assert.True(_sequencer.Contains("s") && _sequencer.Contains("f"));

        Assert.True(_sequencer.Settle("s", EventRun.Ended)); // handled: its successor may go
        Assert.Equal("f", Release());
        Assert.True(_sequencer.Settle("f", EventRun.Unknown)); // never recorded: forgotten, not handled
        Assert.False(_sequencer.Contains("f"));
        Assert.False(_sequencer.Settle("f", EventRun.Ended)); // not in the book any more
    }

    [Fact]
    public void Admit_IndependentEvents_RunOneAtATimeInArrivalOrder()
    {
        Assert.Equal(Admission.Released, Admit(Event("a", "x")));
        Assert.Equal(Admission.Held, Admit(Event("b", "y")));
        Assert.Equal(Admission.Held, Admit(Event("c", "z")));
        _sequencer.End("a");
        Assert.Equal("b", Release());
        _sequencer.End("b");
        Assert.Equal("c", Release());
    }

    [Fact]
    public void Admit_SameEventAgain_AnsweredAsItStandsAndStoredOnce()
    {
        Admit(Event("a", "x"));
        Admit(Event("b", "y"));
        Assert.Equal(Admission.Released, Admit(Event("a", "x")));
        Assert.Equal(Admission.Held, Admit(Event("b", "y")));
        Assert.Single(_sequencer.Record.Pending);
    }

    [Fact]
    public void Admit_PastMaxHeld_Full()
    {
        Admit(Event("run", "r"));
        for (var i = 0; i < MaxHeld; i++) Assert.Equal(Admission.Held, Admit(Event($"h{i}", null)));
        Assert.Equal(Admission.Full, Admit(Event("one-more", null)));
        Assert.False(_sequencer.Contains("one-more"));
    }

    [Fact]
    public void TryRelease_HeldEvent_DoesNotBlockLaterIndependentEvent()
    {
        Admit(Event("f", "finished", after: "started"));
        Assert.Equal(Admission.Released, Admit(Event("n", "note")));
    }

    [Fact]
    public void TryRelease_SequenceGap_HeldUntilPredecessorHandled()
    {
        Assert.Equal(Admission.Held, Admit(Event("3", null, sequence: 2)));
        Assert.Equal(Admission.Released, Admit(Event("1", null, sequence: 1)));
        _sequencer.End("1");
        Assert.Equal("3", Release());
    }

    [Fact]
    public void End_NotItsEvent_ReturnsFalseAndChangesNothing()
    {
        Admit(Event("a", "x"));
        Assert.False(_sequencer.End("other"));
        Assert.Equal("a", _sequencer.Record.Running?.TaskId);
    }

    [Fact]
    public void Readmit_SequencedEventAlreadyPassed_RunsAgainBeforeEventsHeldMeanwhile()
    {
        Admit(Event("1", null, sequence: 1));
        _sequencer.End("1");
        Admit(Event("2", null, sequence: 2));
        Admit(Event("n", "note"));
        Admit(Event("m", "memo"));
        _sequencer.End("2"); // 2 failed for good and was dead-lettered: handled, so the notes go on
        Assert.Equal("n", Release());

        // 2 comes back from the dead letters: next after what runs now, ahead of "memo", though its number is passed.
        Assert.Equal(Admission.Held, _sequencer.Readmit(Event("2", null, sequence: 2), _time.GetUtcNow(), MaxHeld));
        _sequencer.End("n");
        Assert.Equal("2", Release());
        _sequencer.End("2");
        Assert.Equal("m", Release());
        Assert.Equal(2, _sequencer.Record.LastSequence);
    }

    // A dead letter retried before the end of its last run reached the entity (the end and the retry race there): the
    // retry waits behind that run, the late end lets the retry go first and not its successor, and an end of the
    // earlier budget that comes again ends nothing of the retry's run. Before, the retry was answered "released" at
    // once and ran beside the successor that the late end let go (bench chaos: overlapping runs of one entity).
    [Fact]
    public void Readmit_BeforeItsLastRunsEndArrived_WaitsForThatEndThenRunsBeforeItsSuccessor()
    {
        Assert.Equal(Admission.Released, Admit(Event("s", "build.started")));
        Assert.Equal(Admission.Held, Admit(Event("f", "build.finished", after: "build.started")));

        var retry = Event("s", "build.started") with { ReleasedBefore = true, Budget = 1 };
        Assert.Equal(Admission.Held, _sequencer.Readmit(retry, _time.GetUtcNow(), MaxHeld));
        Assert.True(_sequencer.HeldBehindItself("s"));
        Assert.Equal(Admission.Held, _sequencer.Readmit(retry, _time.GetUtcNow(), MaxHeld)); // handed over again: still held

        Assert.True(_sequencer.End("s", budget: 0)); // the late end of the dead letter's run
        Assert.Equal("s", Release()); // the retry first: readmitted events go ahead of those that wait
        Assert.Equal(Admission.Released, _sequencer.Readmit(retry, _time.GetUtcNow(), MaxHeld)); // its hand-over now: it runs
        Assert.False(_sequencer.End("s", budget: 0)); // that end again (a duplicate): the retry's run goes on
        Assert.Null(Release());

        Assert.True(_sequencer.End("s", budget: 1));
        Assert.Equal("f", Release());
    }

    // Its earlier run's end was lost: the retry's record says "held", so that run is over and the retry goes.
    [Fact]
    public void Settle_RetryHeldBehindItsOwnEarlierRun_EndsThatRun()
    {
        Admit(Event("s", "build.started"));
        _sequencer.Readmit(Event("s", "build.started") with { Budget = 1 }, _time.GetUtcNow(), MaxHeld);
        Assert.False(_sequencer.Settle("other", EventRun.Held));

        Assert.True(_sequencer.Settle("s", EventRun.Held));
        Assert.Equal("s", Release());
        Assert.False(_sequencer.Settle("s", EventRun.Held)); // its run now is the retry's own
    }

    [Fact]
    public void Readmit_NothingRunning_ReleasedAtOnce()
    {
        Admit(Event("s", "build.started"));
        _sequencer.End("s");
        Assert.Equal(Admission.Released, _sequencer.Readmit(Event("s", "build.started"), _time.GetUtcNow(), MaxHeld));
    }

    [Fact]
    public void Withdraw_RunningEventNeverRecorded_GoneWithoutCountingAsHandled()
    {
        Admit(Event("s", "build.started"));
        Admit(Event("f", "build.finished", after: "build.started"));
        Assert.True(_sequencer.Withdraw("s"));
        Assert.Null(Release()); // "finished" still waits for a "started" that really ran
        Assert.DoesNotContain("build.started", _sequencer.Record.Handled);
    }

    [Fact]
    public void IsEmpty_OnlyWhenNothingHeldRunningOrRemembered()
    {
        Assert.True(_sequencer.IsEmpty);
        Admit(Event("a", null));
        Assert.False(_sequencer.IsEmpty);
        _sequencer.End("a");
        Assert.True(_sequencer.IsEmpty); // an unnamed, unnumbered event leaves nothing to wait for
        Admit(Event("s", "build.started"));
        _sequencer.End("s");
        Assert.True(_sequencer.IsIdle);
        Assert.False(_sequencer.IsEmpty); // a later "after: build.started" needs to know
    }

    [Fact]
    public void Expire_BeforeLimit_KeepsEvent()
    {
        Admit(Event("f", "finished", after: "started"));
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromMinutes(5), "build/1"));
    }

    [Fact]
    public void Expire_AtLimit_RemovesEventWithReasonNamingMissingEvent()
    {
        Admit(Event("f", "finished", after: "started"));
        _time.Advance(TimeSpan.FromMinutes(5));
        var expired = Assert.Single(_sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromMinutes(5), "build/1"));
        Assert.Equal("f", expired.TaskId);
        Assert.Contains("'started'", expired.Reason);
        Assert.Contains("build/1", expired.Reason);
        Assert.True(_sequencer.IsIdle);
    }

    [Fact]
    public void Expire_SequenceGap_ReasonNamesMissingSequence()
    {
        Admit(Event("5", null, sequence: 5));
        _time.Advance(TimeSpan.FromSeconds(10));
        var expired = Assert.Single(_sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromSeconds(10), "build/1"));
        Assert.Contains("sequence 4", expired.Reason);
    }

    [Fact]
    public void Admit_SequenceAlreadyPassed_HeldWithoutBlockingThenFailsAtTheHoldLimit()
    {
        var limit = TimeSpan.FromMinutes(5);
        Assert.Equal(Admission.Released, Admit(Event("1", null, sequence: 1)));
        _sequencer.End("1");
        Assert.Equal(Admission.Released, Admit(Event("2", null, sequence: 2)));
        _sequencer.End("2");

        // Sequence 1 again under another id (a late duplicate from a producer), then while it waits, 3 and a named event.
        Assert.Equal(Admission.Held, Admit(Event("1-late", null, sequence: 1)));
        Assert.Equal(Admission.Released, Admit(Event("3", null, sequence: 3))); // the passed number blocks nothing
        _sequencer.End("3");
        Assert.Equal(Admission.Released, Admit(Event("n", "note")));
        _sequencer.End("n");
        Assert.Null(Release()); // and it never becomes ready itself

        _time.Advance(limit - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_sequencer.Expire(_time.GetUtcNow(), limit, "account/7"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var expired = Assert.Single(_sequencer.Expire(_time.GetUtcNow(), limit, "account/7"));
        Assert.Equal("1-late", expired.TaskId);
        Assert.Contains("sequence 1 came after 3 was handled", expired.Reason);
        Assert.Contains("account/7", expired.Reason);
        Assert.Equal(3, _sequencer.Record.LastSequence); // failing it moves nothing back
        Assert.True(_sequencer.IsIdle);
    }

    [Fact]
    public void NextExpiry_OldestHeldEvent_IsItsArrivalPlusLimit()
    {
        var first = _time.GetUtcNow();
        Admit(Event("a", "a", after: "z"));
        _time.Advance(TimeSpan.FromSeconds(3));
        Admit(Event("b", "b", after: "z"));
        Assert.Equal(first + TimeSpan.FromMinutes(1), _sequencer.NextExpiry(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void End_HeldEventCancelled_CountsAsHandledForItsSuccessors()
    {
        Admit(Event("f", "finished", after: "started"));
        Admit(Event("r", "report", after: "finished"));
        Assert.True(_sequencer.End("f"));
        Assert.False(_sequencer.Contains("f"));
        Assert.Equal("r", Release());
        Assert.False(_sequencer.End("f"));
    }

    [Fact]
    public void End_SequenceAheadCancelled_PassedOverWhenItsTurnComes()
    {
        Admit(Event("3", null, sequence: 3));
        Admit(Event("2", null, sequence: 2));
        Assert.True(_sequencer.End("2")); // 2 cancelled before 1 came
        Assert.Null(Release());

        Assert.Equal(Admission.Released, Admit(Event("1", null, sequence: 1)));
        _sequencer.End("1");
        Assert.Equal("3", Release()); // 2 is passed over, not waited for
    }
}
