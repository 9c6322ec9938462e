using Microsoft.Extensions.Time.Testing;
using Surge.Entities;

namespace Surge.Tests;

/// <summary>
/// The entity shard's storage rules over the real <see cref="EntitySequencer"/>, in randomized runs with silo crashes:
/// an admission and a release are stored at once, an end that releases nothing (<see cref="EntitySequencer.EndMayStoreLater"/>)
/// only with the next write or a sweep. A crash brings back the stored book; the entity then settles its "running"
/// event from the event's record (ended, or never stored), and the shards' upkeep hands held events over again.
/// Checked after every step: events of the entity never run at once, an event runs only after its "after" event ended,
/// and in the end every submitted event has run.
/// </summary>
public class EntityBookModelTests
{
    [Fact]
    public void Book_RandomRunsWithCrashes_NeverOverlapsNorRunsBeforeItsPredecessorAndLosesNothing()
    {
        for (var seed = 0; seed < 500; seed++) new Run(seed).Play(steps: 80);
    }

    private sealed class Run(int seed)
    {
        private const int Events = 12;
        private readonly Random _random = new(seed);
        private readonly FakeTimeProvider _time = new();
        private readonly List<EntityEvent> _events = [];
        private readonly HashSet<string> _submitted = [];   // acknowledged: their record exists
        private readonly HashSet<string> _ended = [];       // final, and no run left (truth)
        private string? _running;                           // the one run under way (truth)
        private EntityRecord _stored = new();
        private EntitySequencer _book = new(new EntityRecord());
        private bool _unsaved;

        public void Play(int steps)
        {
            for (var i = 0; i < Events; i++)
            {
                var after = i > 0 && _random.Next(3) > 0 ? $"e{_random.Next(i)}" : null;
                _events.Add(new EntityEvent($"t{i}", $"e{i}", after, null));
            }
            for (var step = 0; step < steps; step++)
            {
                switch (_random.Next(5))
                {
                    case 0 or 1: Submit(); break;
                    case 2: Finish(); break;
                    case 3: Sweep(); break;
                    case 4: if (_random.Next(4) == 0) Crash(); break;
                }
            }
            // Every event comes at last; then quiet: runs end, the upkeep hands over what waits, until nothing moves.
            foreach (var e in _events.Where(e => !_submitted.Contains(e.TaskId)).ToList()) Submit(e);
            for (var round = 0; round < Events * 4 && _ended.Count < _submitted.Count; round++)
            {
                Finish();
                Upkeep();
            }
            Assert.True(_submitted.SetEquals(_ended), $"seed {seed}: submitted but never run: {string.Join(",", _submitted.Except(_ended))}");
        }

        private void Submit(EntityEvent? e = null)
        {
            e ??= _events.FirstOrDefault(e => !_submitted.Contains(e.TaskId) && _random.Next(2) == 0);
            if (e is null) return;
            var admission = _book.Admit(e, _time.GetUtcNow(), maxHeld: 100);
            Store(); // an admission is stored before its shard records the event
            _submitted.Add(e.TaskId);
            if (admission == Admission.Released) Start(e);
        }

        private void Finish()
        {
            if (_running is not { } id) return;
            _running = null;
            _ended.Add(id);
            if (_random.Next(6) == 0) return; // the one-way end is lost: the entity settles it later
            if (!_book.End(id)) return;
            if (_book.EndMayStoreLater) _unsaved = true;
            else ReleaseNext();
        }

        private void ReleaseNext()
        {
            var next = _book.TryRelease(_time.GetUtcNow());
            Store(); // a release is stored before its shard hears of it
            if (next is not null) Start(next);
        }

        private void Sweep()
        {
            if (_unsaved) Store();
        }

        // The silo dies: memory is gone, the stored book comes back; the shards' records and runs elsewhere stay.
        private void Crash()
        {
            _book = new EntitySequencer(Copy(_stored));
            _unsaved = false;
            Upkeep();
        }

        // What brings an entity forward without new events: its running event's record is asked after (ended: handled;
        // never stored: withdrawn), and held events are handed over again by their shards.
        private void Upkeep()
        {
            if (_book.Record.Running is { } running && running.TaskId != _running)
            {
                Assert.True(_ended.Contains(running.TaskId) || !_submitted.Contains(running.TaskId), $"seed {seed}: the book lost {_running} running");
                if (_ended.Contains(running.TaskId)) _book.End(running.TaskId);
                else _book.Withdraw(running.TaskId);
                ReleaseNext();
            }
            foreach (var e in _events.Where(e => _submitted.Contains(e.TaskId) && !_ended.Contains(e.TaskId) && e.TaskId != _running))
            {
                if (_book.Contains(e.TaskId)) continue;
                if (_book.Admit(e, _time.GetUtcNow(), maxHeld: 100) == Admission.Released)
                {
                    Store();
                    Start(e);
                }
                else Store();
            }
            if (_running is null) ReleaseNext();
        }

        private void Start(EntityEvent e)
        {
            Assert.True(_running is null, $"seed {seed}: {e.TaskId} released while {_running} runs");
            Assert.True(e.After is null || _events.Any(p => p.Event == e.After && _ended.Contains(p.TaskId)),
                $"seed {seed}: {e.TaskId} released before its predecessor {e.After} ended");
            Assert.DoesNotContain(e.TaskId, _ended);
            _running = e.TaskId;
        }

        private void Store()
        {
            _stored = Copy(_book.Record);
            _unsaved = false;
        }

        private static EntityRecord Copy(EntityRecord r) => new()
        {
            LegacyHandled = new(r.LegacyHandled, StringComparer.Ordinal), Handled = [.. r.Handled], Forgotten = r.Forgotten, LastSequence = r.LastSequence, Skipped = [.. r.Skipped],
            Pending = [.. r.Pending], Running = r.Running, RunningSince = r.RunningSince,
        };
    }
}
