using Microsoft.Extensions.Time.Testing;
using Surge.Entities;

namespace Surge.Tests;

public class EntitySequencerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly EntitySequencer _sequencer = new(new EntityRecord());

    private static TaskSpec Event(string id, string? name, string? after = null, long? sequence = null)
        => TaskSpec.Create("simulate", id: id).ForEntity("build/1", name, after, sequence);

    [Fact]
    public void TryRelease_FinishedArrivesFirst_HeldUntilStartedHandled()
    {
        _sequencer.Add(Event("f", "build.finished", after: "build.started"), _time.GetUtcNow());
        Assert.Null(_sequencer.TryRelease());

        _sequencer.Add(Event("s", "build.started"), _time.GetUtcNow());
        Assert.Equal("s", _sequencer.TryRelease()?.Id);
        Assert.Null(_sequencer.TryRelease()); // one at a time: started still runs

        Assert.True(_sequencer.Finish("s"));
        Assert.Equal("f", _sequencer.TryRelease()?.Id);
    }

    [Fact]
    public void TryRelease_IndependentEvents_RunOneAtATimeInArrivalOrder()
    {
        _sequencer.Add(Event("a", "x"), _time.GetUtcNow());
        _sequencer.Add(Event("b", "y"), _time.GetUtcNow());
        Assert.Equal("a", _sequencer.TryRelease()?.Id);
        Assert.Null(_sequencer.TryRelease());
        _sequencer.Finish("a");
        Assert.Equal("b", _sequencer.TryRelease()?.Id);
    }

    [Fact]
    public void TryRelease_HeldEvent_DoesNotBlockLaterIndependentEvent()
    {
        _sequencer.Add(Event("f", "finished", after: "started"), _time.GetUtcNow());
        _sequencer.Add(Event("n", "note"), _time.GetUtcNow());
        Assert.Equal("n", _sequencer.TryRelease()?.Id);
    }

    [Fact]
    public void TryRelease_SequenceGap_HeldUntilPredecessorHandled()
    {
        _sequencer.Add(Event("3", null, sequence: 2), _time.GetUtcNow());
        Assert.Null(_sequencer.TryRelease());
        _sequencer.Add(Event("1", null, sequence: 1), _time.GetUtcNow());
        Assert.Equal("1", _sequencer.TryRelease()?.Id);
        _sequencer.Finish("1");
        Assert.Equal("3", _sequencer.TryRelease()?.Id);
    }

    [Fact]
    public void Finish_NotTheRunningEvent_ReturnsFalseAndChangesNothing()
    {
        _sequencer.Add(Event("a", "x"), _time.GetUtcNow());
        _sequencer.TryRelease();
        Assert.False(_sequencer.Finish("other"));
        Assert.Equal("a", _sequencer.Record.Running?.Id);
    }

    [Fact]
    public void Expire_BeforeLimit_KeepsEvent()
    {
        _sequencer.Add(Event("f", "finished", after: "started"), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Expire_AtLimit_RemovesEventWithReasonNamingMissingEvent()
    {
        _sequencer.Add(Event("f", "finished", after: "started"), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5));
        var expired = Assert.Single(_sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.Equal("f", expired.Spec.Id);
        Assert.Contains("'started'", expired.Reason);
        Assert.Contains("build/1", expired.Reason);
        Assert.True(_sequencer.IsIdle);
    }

    [Fact]
    public void Expire_SequenceGap_ReasonNamesMissingSequence()
    {
        _sequencer.Add(Event("5", null, sequence: 5), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(10));
        var expired = Assert.Single(_sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromSeconds(10)));
        Assert.Contains("sequence 4", expired.Reason);
    }

    [Fact]
    public void NextExpiry_OldestHeldEvent_IsItsArrivalPlusLimit()
    {
        var first = _time.GetUtcNow();
        _sequencer.Add(Event("a", "a", after: "z"), first);
        _time.Advance(TimeSpan.FromSeconds(3));
        _sequencer.Add(Event("b", "b", after: "z"), _time.GetUtcNow());
        Assert.Equal(first + TimeSpan.FromMinutes(1), _sequencer.NextExpiry(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Drop_HeldEventCancelled_CountsAsHandledForItsSuccessors()
    {
        _sequencer.Add(Event("f", "finished", after: "started"), _time.GetUtcNow());
        _sequencer.Add(Event("r", "report", after: "finished"), _time.GetUtcNow());
        Assert.True(_sequencer.Drop("f"));
        Assert.False(_sequencer.Contains("f"));
        Assert.Equal("r", _sequencer.TryRelease()?.Id);
        Assert.False(_sequencer.Drop("f"));
    }

    [Fact]
    public void Drop_SequenceAheadCancelled_PassedOverWhenItsTurnComes()
    {
        _sequencer.Add(Event("3", null, sequence: 3), _time.GetUtcNow());
        _sequencer.Add(Event("2", null, sequence: 2), _time.GetUtcNow());
        Assert.True(_sequencer.Drop("2")); // 2 cancelled before 1 came
        Assert.Null(_sequencer.TryRelease());

        _sequencer.Add(Event("1", null, sequence: 1), _time.GetUtcNow());
        Assert.Equal("1", _sequencer.TryRelease()?.Id);
        _sequencer.Finish("1");
        Assert.Equal("3", _sequencer.TryRelease()?.Id); // 2 is passed over, not waited for
    }
}
