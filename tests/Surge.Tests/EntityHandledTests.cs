using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Surge.Entities;

namespace Surge.Tests;

/// <summary>
/// What an entity remembers of its handled events: a bounded number of names, the newest, so the book of a long-lived
/// entity (a repository receiving builds for years) stays small; an <c>after</c> naming a forgotten one fails naming why.
/// </summary>
public class EntityHandledTests
{
    private readonly FakeTimeProvider _time = new();

    private static EntityEvent Event(string id, string? name, string? after = null) => new(id, name, after, null);

    // Each event released and ended at once, as a quiet entity's events are.
    private static void Handle(EntitySequencer sequencer, EntityEvent e, DateTimeOffset now)
    {
        Assert.Equal(Admission.Released, sequencer.Admit(e, now, maxHeld: 100));
        Assert.True(sequencer.End(e.TaskId));
    }

    [Fact]
    public void End_LongLivedEntity_HandledNamesStayBounded()
    {
        var sequencer = new EntitySequencer(new EntityRecord());
        for (var build = 0; build < 5_000; build++)
        {
            Handle(sequencer, Event($"s{build}", $"build-{build}.started"), _time.GetUtcNow());
            Handle(sequencer, Event($"f{build}", $"build-{build}.finished", after: $"build-{build}.started"), _time.GetUtcNow());
        }

        Assert.InRange(sequencer.Record.Handled.Count, 1, EntityOptions.DefaultMaxHandled);
        Assert.Contains("build-4999.finished", sequencer.Record.Handled); // the newest are kept
    }

    [Fact]
    public void End_PastMaxHandled_ForgetsTheOldestNameAndAnAfterNamingItWaits()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 2);
        Handle(sequencer, Event("a", "a"), _time.GetUtcNow());
        Handle(sequencer, Event("b", "b"), _time.GetUtcNow());
        Handle(sequencer, Event("c", "c"), _time.GetUtcNow());

        Assert.Equal(["b", "c"], sequencer.Record.Handled);
        Assert.Equal(1, sequencer.Record.Forgotten);
        Assert.Equal(Admission.Held, sequencer.Admit(Event("after-a", "x", after: "a"), _time.GetUtcNow(), maxHeld: 100));
        Assert.Equal(Admission.Released, sequencer.Admit(Event("after-b", "y", after: "b"), _time.GetUtcNow(), maxHeld: 100));
    }

    [Fact]
    public void End_NameHandledAgain_IsTheNewestAgain()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 2);
        Handle(sequencer, Event("s1", "build.started"), _time.GetUtcNow());
        Handle(sequencer, Event("f1", "build.finished"), _time.GetUtcNow());
        Handle(sequencer, Event("s2", "build.started"), _time.GetUtcNow());
        Handle(sequencer, Event("d", "deploy"), _time.GetUtcNow());

        Assert.Equal(["build.started", "deploy"], sequencer.Record.Handled);
    }

    [Fact]
    public void End_NameAHeldEventWaitsFor_KeptPastMaxHandledUntilItIsReleased()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 1);
        Assert.Equal(Admission.Released, sequencer.Admit(Event("s", "build.started"), _time.GetUtcNow(), maxHeld: 100));
        Assert.Equal(Admission.Held, sequencer.Admit(Event("f1", "finished-1", after: "build.started"), _time.GetUtcNow(), maxHeld: 100));
        Assert.Equal(Admission.Held, sequencer.Admit(Event("f2", "finished-2", after: "build.started"), _time.GetUtcNow(), maxHeld: 100));

        Assert.True(sequencer.End("s"));
        Assert.Equal("f1", sequencer.TryRelease(_time.GetUtcNow())?.TaskId);
        Assert.True(sequencer.End("f1")); // past the bound, but f2 still waits for "build.started"

        Assert.Equal("f2", sequencer.TryRelease(_time.GetUtcNow())?.TaskId);
        Assert.True(sequencer.End("f2"));
        Assert.Equal(["finished-2"], sequencer.Record.Handled); // nothing waits for it now: let go
    }

    [Fact]
    public void Readmit_DeadLetterThatRanBeforeItsAfterWasForgotten_Released()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 2);
        Handle(sequencer, Event("s", "started"), _time.GetUtcNow());
        Handle(sequencer, Event("f", "finished", after: "started"), _time.GetUtcNow()); // ran, and failed for good
        Handle(sequencer, Event("d", "deploy"), _time.GetUtcNow());
        Handle(sequencer, Event("n", "notify"), _time.GetUtcNow());
        Assert.DoesNotContain("started", sequencer.Record.Handled);

        var again = Event("f", "finished", after: "started") with { ReleasedBefore = true };

        Assert.Equal(Admission.Released, sequencer.Readmit(again, _time.GetUtcNow(), maxHeld: 100));
    }

    // Rolling upgrade: a silo from before EntityEvent.ReleasedBefore (Id 5) readmitted the dead letter without it, so it
    // waits for its forgotten after. Its shard's upkeep hands it over again every few seconds; once on a newer silo it
    // says the entity released the event before (its record counts a dispatch), and the entity holds the event already.
    [Fact]
    public void Readmit_HeldByAnOlderSiloWithoutReleasedBefore_ReleasedWhenAHandOverSaysItRanBefore()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 2);
        Handle(sequencer, Event("s", "started"), _time.GetUtcNow());
        Handle(sequencer, Event("f", "finished", after: "started"), _time.GetUtcNow()); // ran, and failed for good
        Handle(sequencer, Event("d", "deploy"), _time.GetUtcNow());
        Handle(sequencer, Event("n", "notify"), _time.GetUtcNow());
        Assert.Equal(Admission.Held, sequencer.Readmit(Event("f", "finished", after: "started"), _time.GetUtcNow(), maxHeld: 100)); // the older silo's

        var handedOver = Event("f", "finished", after: "started") with { ReleasedBefore = true };

        Assert.Equal(Admission.Released, sequencer.Readmit(handedOver, _time.GetUtcNow(), maxHeld: 100));
        Assert.Equal("f", sequencer.Record.Running?.TaskId);
        Assert.Empty(sequencer.Record.Pending);
    }

    [Fact]
    public void Readmit_HeldReadmittedBehindARunningEvent_LearnsReleasedBeforeAndWaitsOnlyForTheRun()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 1);
        Handle(sequencer, Event("s", "started"), _time.GetUtcNow());
        Handle(sequencer, Event("f", "finished", after: "started"), _time.GetUtcNow());
        Handle(sequencer, Event("d", "deploy"), _time.GetUtcNow());
        Assert.Equal(Admission.Released, sequencer.Admit(Event("n", "notify"), _time.GetUtcNow(), maxHeld: 100));
        Assert.Equal(Admission.Held, sequencer.Readmit(Event("f", "finished", after: "started"), _time.GetUtcNow(), maxHeld: 100));

        Assert.Equal(Admission.Held, sequencer.Readmit(Event("f", "finished", after: "started") with { ReleasedBefore = true }, _time.GetUtcNow(), maxHeld: 100));
        Assert.True(sequencer.End("n"));

        Assert.Equal("f", sequencer.TryRelease(_time.GetUtcNow())?.TaskId); // one at a time still, and then its after counts as handled
    }

    [Fact]
    public void Readmit_DeadLetterNeverReleasedItsAfterForgotten_StillWaits()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 1);
        Handle(sequencer, Event("a", "a"), _time.GetUtcNow());
        Handle(sequencer, Event("b", "b"), _time.GetUtcNow());

        // Expired before its after came: nothing says that event was ever handled.
        Assert.Equal(Admission.Held, sequencer.Readmit(Event("late", "x", after: "a"), _time.GetUtcNow(), maxHeld: 100));
    }

    [Fact]
    public void Expire_AfterNamingAForgottenEvent_ReasonNamesMaxHandled()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 1);
        Handle(sequencer, Event("a", "a"), _time.GetUtcNow());
        Handle(sequencer, Event("b", "b"), _time.GetUtcNow());
        Assert.Equal(Admission.Held, sequencer.Admit(Event("late", "x", after: "a"), _time.GetUtcNow(), maxHeld: 100));

        _time.Advance(TimeSpan.FromMinutes(5));
        var (taskId, reason, _) = Assert.Single(sequencer.Expire(_time.GetUtcNow(), TimeSpan.FromMinutes(5), "repo/1"));

        Assert.Equal("late", taskId);
        Assert.Contains("event 'a' of entity 'repo/1'", reason);
        Assert.Contains("handled before the 1 most recent", reason);
        Assert.Contains("Surge:Entities:MaxHandled", reason);
    }

    // The bytes of a book as the code before the bound stored it: handled {build.started, build.finished} (field 1, a
    // set), last sequence 2, and a "deploy" held after "build.finished".
    private const string BookStoredBeforeTheBound =
        "20213001312CD42E1D537472696E67436F6D706172657200030101E00105411B6275696C642E73746172746564401D6275696C642E66696E6973686564"
        + "E001092220E0C101E021000321E820E840057433410D6465706C6F79C111C101C101E021800080B5F7F57F9F08810000000000000000E00101E0E0C1"
        + "0121800000000000000000810000000000000000E0E0";

    private static readonly Serializer<EntityRecord> Books = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(EntityRecord).Assembly).AddAssembly(typeof(TaskSpec).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer<EntityRecord>>();

    [Fact]
    public void Load_BookStoredBeforeTheBound_AnAfterStillSeesItsHandledNames()
    {
        var sequencer = new EntitySequencer(Books.Deserialize(Convert.FromHexString(BookStoredBeforeTheBound))!);

        Assert.False(sequencer.IsEmpty);
        Assert.Equal("t3", sequencer.TryRelease(_time.GetUtcNow())?.TaskId); // its "after" was handled before the upgrade
        Assert.True(sequencer.End("t3"));
        Assert.Equal(Admission.Released, sequencer.Admit(Event("s", "smoke", after: "build.started"), _time.GetUtcNow(), maxHeld: 100));
        Assert.Equal(["build.finished", "build.started", "deploy"], sequencer.Record.Handled); // the old ones first, in a fixed order
    }

    [Fact]
    public void Serialize_BoundedBook_KeepsTheOrderOfItsNamesAndWhatItForgot()
    {
        var sequencer = new EntitySequencer(new EntityRecord(), maxHandled: 2);
        foreach (var name in new[] { "c", "a", "b" }) Handle(sequencer, Event(name, name), _time.GetUtcNow());

        var loaded = new EntitySequencer(Books.Deserialize(Books.SerializeToArray(sequencer.Record))!, maxHandled: 2);

        Assert.Equal(["a", "b"], loaded.Record.Handled);
        Assert.Equal(1, loaded.Record.Forgotten);
        Assert.Equal(["a", "b"], loaded.Record.LegacyHandled.Order(StringComparer.Ordinal)); // what an older silo reads: the same names
        Assert.Equal(Admission.Released, loaded.Admit(Event("x", "x", after: "a"), _time.GetUtcNow(), maxHeld: 100));
    }
}
