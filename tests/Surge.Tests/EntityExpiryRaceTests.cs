using Microsoft.Extensions.Time.Testing;
using Surge.Entities;
using Surge.Policies;
using Surge.Pools;
using Surge.Tasks;

namespace Surge.Tests;

/// <summary>
/// An entity event expires at its hold limit while its shard's upkeep hands it over again: until the expiry reaches its
/// record the shard lists it as held, and the entity, which has let it go, takes it as new. An event that failed at its
/// hold limit never ran and is not handled (entities.md), whatever the order in which the expiry reaches its record, the
/// hand-over lands, its predecessor is handled and its record is forgotten; its successor waits. Only a hand-over whose
/// release reached the record before the expiry did makes it run (its record never expired), and then it counts.
/// The entity and the shard are played by their pure cores: <see cref="EntitySequencer"/> and <see cref="TaskLifecycle"/>.
/// </summary>
public class EntityExpiryRaceTests
{
    private enum Step { ExpiryReachesRecord, HandOver, PredecessorHandled, RecordForgotten }

    [Fact]
    public void Expire_HandOverCrossesTheExpiry_AnEventThatNeverRanIsNotHandledInAnyOrder()
    {
        var orders = Permutations([Step.ExpiryReachesRecord, Step.HandOver, Step.PredecessorHandled, Step.RecordForgotten]).ToList();
        Assert.Equal(24, orders.Count);
        foreach (var order in orders) new Race(order).Play();
    }

    private static IEnumerable<Step[]> Permutations(Step[] steps) => steps.Length <= 1
        ? [steps]
        : steps.SelectMany(first => Permutations([.. steps.Where(s => s != first)]).Select(rest => (Step[])[first, .. rest]));

    private sealed class Race(Step[] order)
    {
        private const int MaxHeld = 100;
        private static readonly TimeSpan HoldLimit = TimeSpan.FromMinutes(1);
        private static readonly TaskSpec Started = TaskSpec.Create("t", id: "s").ForEntity("build/1", "started");
        private static readonly TaskSpec Finished = TaskSpec.Create("t", id: "f").ForEntity("build/1", "finished", after: "started");
        private static readonly TaskSpec Report = TaskSpec.Create("t", id: "r").ForEntity("build/1", "report", after: "finished");
        private readonly FakeTimeProvider _time = new();
        private readonly EntitySequencer _entity = new(new EntityRecord());
        private readonly List<string> _released = [];
        private TaskRecord? _finished; // the record of "finished" on its shard; null once forgotten
        private bool _ran;             // "finished" was dispatched, and its handler ran

        private DateTimeOffset Now => _time.GetUtcNow();

        public void Play()
        {
            _finished = TaskLifecycle.Submit(null, Finished, Now, here: null, held: true).Record;
            Assert.Equal(Admission.Held, _entity.Admit(EntityEvent.Of(Finished), Now, MaxHeld));
            _time.Advance(HoldLimit / 2);
            Assert.Equal(Admission.Held, _entity.Admit(EntityEvent.Of(Report), Now, MaxHeld));
            _time.Advance(HoldLimit / 2);
            var (_, reason, _) = Assert.Single(_entity.Expire(Now, HoldLimit, "build/1")); // "report" has half its limit left

            foreach (var step in order) Do(step, reason);

            var what = string.Join(" > ", order);
            var handled = _entity.Record.HandledSet().Contains("finished");
            Assert.True(_ran || !handled, $"{what}: 'finished' never ran, and counts as handled");
            Assert.True(_ran || !_released.Contains("r"), $"{what}: 'report' was released, and 'finished' never ran");
            Assert.True(!_ran || _released.Contains("r"), $"{what}: 'finished' ran, and 'report' still waits");
            Assert.False(_entity.Contains("f"), $"{what}: the entity still holds 'finished'");
        }

        private void Do(Step step, string reason)
        {
            switch (step)
            {
                case Step.ExpiryReachesRecord:
                    if (_finished is not null) _finished = TaskLifecycle.Expired(_finished, reason, Now).Record;
                    break;
                case Step.HandOver: // the shard's upkeep hands over the events its records hold
                    if (_finished is not { State: TaskState.Held }) break;
                    if (_entity.Admit(EntityEvent.Of(Finished), Now, MaxHeld) == Admission.Released) Released("f");
                    break;
                case Step.PredecessorHandled:
                    if (_entity.Admit(EntityEvent.Of(Started), Now, MaxHeld) == Admission.Released) Released("s");
                    break;
                case Step.RecordForgotten: // retention: the entity stores the ends of what its records say ended, first
                    if (_finished is not { } record || !TaskLifecycle.MayForget(record, Now + TimeSpan.FromTicks(1))) break;
                    if (TaskLifecycle.RunOf(record, runAlive: false) == EventRun.Ended) End("f");
                    _finished = null;
                    break;
            }
        }

        // What the released event's shard does: "started" and "report" run and end at once; "finished" runs if its
        // record still holds it, else the entity settles it by what its record says (stale-run check, or the release's answer).
        private void Released(string id)
        {
            _released.Add(id);
            if (id != "f")
            {
                End(id);
                return;
            }
            if (_finished is not null) _finished = TaskLifecycle.Released(_finished, "s0", Now).Record;
            if (_finished is { State: TaskState.Queued } queued)
            {
                _ran = true;
                var outcome = new TaskOutcome(true, null, ReadOnlyMemory<byte>.Empty, PoolKind.Short, null, Now, Now, queued.Attempts);
                var done = TaskLifecycle.Finished(queued, outcome, new TaskPolicy(), 0, Now);
                Assert.True(done.Has(TaskEffects.EndInEntity));
                _finished = done.Record;
                End("f");
                return;
            }
            if (_entity.Settle("f", TaskLifecycle.RunOf(_finished, runAlive: false))) ReleaseNext();
        }

        private void End(string id)
        {
            if (_entity.End(id)) ReleaseNext();
        }

        private void ReleaseNext()
        {
            if (_entity.TryRelease(Now) is { } next) Released(next.TaskId);
        }
    }
}
