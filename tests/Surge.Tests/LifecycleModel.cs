using Surge.Policies;
using Surge.Routing;
using Surge.Pools;
using Surge.Tasks;

namespace Surge.Tests;

/// <summary>
/// A shard, executors on three silos and a client in miniature, driving <see cref="TaskLifecycle"/> the way the shard
/// grain does: decide, commit to the store (which may fail), and only then make visible and carry out effects. Silos
/// crash (their dispatches vanish) and the shard moves between live silos (their dispatches go on and report to it).
/// With silo groups a dispatch goes where its pool is hosted: mostly the shard's silo, sometimes another, sometimes
/// nowhere (no silo hosts the pool: the task waits undispatched).
/// Tracks what clients saw and what handlers ran, so a test can check the invariants after every step.
/// </summary>
internal sealed class LifecycleModel
{
    private sealed class Dispatch(int attempt, string silo)
    {
        public int Attempt { get; } = attempt;
        public string Silo { get; } = silo;
        public bool Started { get; set; }
        public bool Cancelled { get; set; }
    }

    private static readonly string[] Silos = ["s0", "s1", "s2"];
    private readonly Random _random;
    private readonly TaskSpec _spec;
    private readonly TaskPolicy _policy;
    private readonly int _maxRecoveries;
    private readonly double _storeFailure;
    private readonly List<Dispatch> _dispatches = []; // in some silo's executor, not yet reported
    private readonly List<TaskOutcome> _delivered = []; // reports stored: any may be delivered again (its answer was lost)
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TaskRecord? _stored;
    private string _here = "s0"; // the silo of the shard's activation
    private bool _active = true; // false after a crash or a move, until the shard activates again
    private TaskStatus? _seenFinal;
    private int _runsInBudget;
    private bool _entityTold;
    private Dispatch? _reporting; // the dispatch whose outcome is being stored: its run has ended
    private string? _target; // where the last decision would dispatch

    // Where a dispatch goes now (silo groups): the shard's silo, another that hosts the pool, or none.
    private string? Target() => _target = _random.Next(8) switch
    {
        0 => null,
        1 => Silos[(Array.IndexOf(Silos, _here) + 1 + _random.Next(2)) % Silos.Length],
        _ => _here,
    };

    public LifecycleModel(int seed)
    {
        _random = new Random(seed);
        var spec = TaskSpec.Create("t", id: $"task-{seed}");
        _spec = _random.Next(2) == 0 ? spec : spec.ForEntity("build/1", "build.started");
        _policy = new TaskPolicy { MaxAttempts = _random.Next(1, 4), BackoffBase = TimeSpan.FromSeconds(1), Jitter = 0.2 };
        _maxRecoveries = _random.Next(0, 4);
        _storeFailure = _random.NextDouble() * 0.4;
    }

    public List<string> Log { get; } = [];

    public void Step()
    {
        _now += TimeSpan.FromMilliseconds(_random.Next(1, 2_000));
        if (!_active)
        {
            Activate();
            return;
        }
        switch (_random.Next(16))
        {
            case 0: Change("submit", r => TaskLifecycle.Submit(r, _spec, _now, Target(), held: _spec.Entity is not null && _random.Next(2) == 0)); break;
            case 1: if (_stored is not null) Change("release", r => TaskLifecycle.Released(r!, Target())); break;
            case 2: StartOne(); break;
            case 3: case 4: FinishOne(); break;
            case 5: if (_stored is not null) Change("retry due", r => TaskLifecycle.RetryDue(r!, Target())); break;
            case 6: if (_stored is not null) Change("cancel", r => TaskLifecycle.Cancel(r!, _now, RunAlive(r))); break;
            case 7: if (_stored is not null) Change("expire", r => TaskLifecycle.Expired(r!, "held too long", _now)); break;
            case 8: if (_stored is { DeadLettered: true }) Change("dead-letter retry", r => TaskLifecycle.RetryDeadLetter(r!, Target(), held: _spec.Entity is not null && _random.Next(2) == 0)); break;
            case 9: Crash(); break;
            case 10: Move(); break;
            case 11: HandBack(); break;
            case 12: Upkeep(); break;
            case 13: CrashOther(); break;
            case 14: DeliverAgain(); break;
            default: Read(); break;
        }
    }

    private bool RunAlive(TaskRecord? record) => record?.RanOn is { } silo && _dispatches.Any(d => d.Silo == silo);

    private void StartOne()
    {
        if (_dispatches.FirstOrDefault(d => !d.Started && !d.Cancelled) is not { } dispatch) return;
        dispatch.Started = true; // the handler runs; its start is told one-way and may not be stored
        _runsInBudget++;
        Log.Add($"run of attempt {dispatch.Attempt} on {dispatch.Silo} ({_runsInBudget} in budget)");
        Change("start", r => TaskLifecycle.Started(r!, new TaskStart(PoolKind.Long, 100, _now, dispatch.Attempt)));
    }

    private void FinishOne()
    {
        var dispatch = _dispatches.FirstOrDefault(d => d.Started || d.Cancelled);
        if (dispatch is null) return;
        var outcome = !dispatch.Started
            ? TaskOutcome.NotStarted("cancelled before it started", PoolKind.Long, 100, _now, dispatch.Attempt)
            : new TaskOutcome(_random.Next(3) == 0, "boom", "{}"u8.ToArray(), PoolKind.Long, 100, _now, _now, dispatch.Attempt,
                ErrorType: _random.Next(4) == 0 ? typeof(NonRetryableTaskException).FullName : "System.Exception");
        Report(dispatch, outcome);
    }

    // A draining silo hands back what has not started: it reports, and the record is un-dispatched.
    private void HandBack()
    {
        if (_dispatches.FirstOrDefault(d => !d.Started && !d.Cancelled) is not { } dispatch) return;
        Report(dispatch, TaskOutcome.NotStarted("handed over", PoolKind.Long, 100, _now, dispatch.Attempt));
    }

    // A report that was stored, but whose answer was lost: its silo delivers it again, maybe long after.
    private void DeliverAgain()
    {
        if (_delivered.Count == 0) return;
        var outcome = _delivered[_random.Next(_delivered.Count)];
        var before = _stored;
        Change("report delivered again", r => r is null ? default : TaskLifecycle.Finished(r, outcome, _policy, _random.NextDouble(), _now));
        // Its first delivery was stored: whatever happened since (a wait for a host, a dead letter's retry), it is not news.
        if (!ReferenceEquals(before, _stored)) throw Fail($"a report of attempt {outcome.Attempt} delivered again moved a stored {before?.State} to {_stored?.State}");
    }

    // The executor delivers until the shard stores it: the dispatch ends only with a successful commit.
    private void Report(Dispatch dispatch, TaskOutcome outcome)
    {
        _reporting = dispatch;
        if (Change("finish", r => r is null ? default : TaskLifecycle.Finished(r, outcome, _policy, _random.NextDouble(), _now)))
        {
            _dispatches.Remove(dispatch);
            _delivered.Add(outcome);
        }
        _reporting = null;
    }

    private void Crash()
    {
        Log.Add($"crash of {_here} with {_dispatches.Count(d => d.Silo == _here)} dispatch(es) there");
        _dispatches.RemoveAll(d => d.Silo == _here);
        _here = Silos[(Array.IndexOf(Silos, _here) + 1 + _random.Next(2)) % Silos.Length];
        _active = false;
    }

    // Another silo crashes (one the shard sent a pool's work to): its dispatches vanish, the shard stays.
    private void CrashOther()
    {
        var other = Silos[(Array.IndexOf(Silos, _here) + 1 + _random.Next(2)) % Silos.Length];
        Log.Add($"crash of {other} with {_dispatches.Count(d => d.Silo == other)} dispatch(es) there");
        _dispatches.RemoveAll(d => d.Silo == other);
    }

    // The shard moves to another live silo (a silo joined); dispatches made where it was go on and report to it.
    private void Move()
    {
        _here = Silos[(Array.IndexOf(Silos, _here) + 1 + _random.Next(2)) % Silos.Length];
        Log.Add($"move to {_here}");
        _active = false;
    }

    private void Activate()
    {
        if (_stored is null)
        {
            _active = true;
            return;
        }
        if (Fails()) return; // the activation fails; the next call tries again
        _active = true;
        Upkeep();
    }

    private void Upkeep()
    {
        if (_stored is null || !TaskLifecycle.MayNeedRecovery(_stored)) return; // the lifecycle itself leaves a live run alone
        Change("recover", r => TaskLifecycle.Recover(r!, _maxRecoveries, Target(), _now, RunAlive(r)));
    }

    private void Read()
    {
        if (_stored?.ToStatus() is { IsFinal: true } status) _seenFinal ??= status;
    }

    private bool Fails() => _random.NextDouble() < _storeFailure;

    // The shard's commit: the store first; if it refuses, nothing is visible and no effect happens.
    private bool Change(string what, Func<TaskRecord?, Transition> decide)
    {
        var transition = decide(_stored);
        if (transition.Refusal is not null || transition.Record is null) return true;
        if (!ReferenceEquals(transition.Record, _stored))
        {
            if (Fails())
            {
                Log.Add($"{what}: store failed");
                return false;
            }
            if (what == "dead-letter retry")
            {
                _seenFinal = null; // an operator's explicit retry of a dead letter: a new budget and a new outcome
                _runsInBudget = 0;
                _entityTold = false;
            }
            _stored = transition.Record;
        }
        Log.Add($"{what}: {_stored!.State} attempts={_stored.Attempts} recoveries={_stored.Recoveries} on={_stored.RanOn} effects={transition.Effects}");
        Apply(transition);
        return true;
    }

    private void Apply(Transition transition)
    {
        var record = transition.Record!;
        if (transition.Has(TaskEffects.Dispatch))
        {
            if (_entityTold) throw Fail("dispatched after its entity was told it ended");
            if (record.State != TaskState.Queued || record.RanOn != _target || _target is null) throw Fail($"dispatched from a stored {record.State} on {record.RanOn}, to {_target}");
            if (record.Silo != record.RanOn) throw Fail($"dispatched to {record.RanOn}, its status names {record.Silo}");
            _dispatches.Add(new Dispatch(record.Attempts, _target));
        }
        if (transition.Has(TaskEffects.AwaitHost))
        {
            // No silo hosts its pool: it waits queued, with no dispatch of it named and none counted.
            if (transition.Has(TaskEffects.Dispatch) || record.State != TaskState.Queued || record.RanOn is not null)
                throw Fail($"waiting for a host as a stored {record.State} on {record.RanOn} with {transition.Effects}");
            if (_dispatches.Any(d => d.Attempt == record.Attempts && !d.Cancelled && d != _reporting)) throw Fail("waiting for a host while its current attempt is out");
        }
        if (transition.Has(TaskEffects.CancelRun)) foreach (var d in _dispatches) d.Cancelled = true;
        if (transition.Has(TaskEffects.EndInEntity) || transition.Has(TaskEffects.DropFromEntity))
        {
            if (!record.State.IsFinal()) throw Fail("entity told of an event that is not final");
            if (_dispatches.Any(d => d != _reporting)) throw Fail("entity told while a dispatch of its event is still out");
            _entityTold = true;
        }
    }

    public void CheckInvariants()
    {
        if (_seenFinal is { } seen && _stored?.ToStatus() is { } now
            && (now.State, now.FinishedAt, now.Error, now.Attempts) != (seen.State, seen.FinishedAt, seen.Error, seen.Attempts))
            throw Fail($"a final state a client read changed: {seen.State} → {now.State}");
        if (_dispatches.Count > 1) throw Fail($"{_dispatches.Count} dispatches of one task out at once: its runs could overlap");
        if (_stored is not { } record) return;
        var bound = (_spec.MaxAttempts ?? _policy.MaxAttempts) + _maxRecoveries;
        if (_runsInBudget > bound) throw Fail($"{_runsInBudget} handler runs, over MaxAttempts + MaxCrashRecoveries = {bound}");
        if (record.Recoveries > _maxRecoveries) throw Fail($"{record.Recoveries} recoveries, over {_maxRecoveries}");
        if (TaskLifecycle.MayNeedRecovery(record) && !TaskLifecycle.MayStillRun(record)) throw Fail($"a {record.State} record recovery needs is not among those upkeep looks at");
        if (_dispatches.Any(d => d.Attempt > record.Attempts)) throw Fail("a dispatch its stored record does not count");
        if (_dispatches.FirstOrDefault() is { } out1 && out1.Attempt == record.Attempts && record.RanOn != out1.Silo && !record.State.IsFinal())
            throw Fail($"the record names {record.RanOn} but its dispatch is on {out1.Silo}");
        if (record.State == TaskState.Held && _dispatches.Any(d => !d.Cancelled)) throw Fail("a held event with a live dispatch");
    }

    private InvalidOperationException Fail(string what) => new($"{what}\n{string.Join('\n', Log.TakeLast(30))}");
}
