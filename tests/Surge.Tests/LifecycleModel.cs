using Surge.Policies;
using Surge.Routing;
using Surge.Tasks;

namespace Surge.Tests;

/// <summary>
/// A shard, an executor and a client in miniature, driving <see cref="TaskLifecycle"/> the way the shard grain does:
/// decide, commit to the store (which may fail), and only then make visible and carry out effects. Tracks what
/// clients saw and what handlers ran, so a test can check the invariants after every step.
/// </summary>
internal sealed class LifecycleModel
{
    private sealed class Dispatch(int attempt)
    {
        public int Attempt { get; } = attempt;
        public bool Started { get; set; }
        public bool Cancelled { get; set; }
    }

    private static readonly RouteDecision Route = new("long", 100);
    private readonly Random _random;
    private readonly TaskSpec _spec;
    private readonly TaskPolicy _policy;
    private readonly int _maxRecoveries;
    private readonly double _storeFailure;
    private readonly List<Dispatch> _dispatches = []; // in the executor: not yet reported
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TaskRecord? _stored;
    private bool _active = true; // the shard's activation; false after a crash until it activates again
    private TaskStatus? _seenFinal;
    private int _runsInBudget;
    private bool _entityTold;
    private bool _held;
    private Dispatch? _reporting; // the dispatch whose outcome is being stored: its run has ended

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
        switch (_random.Next(11))
        {
            case 0: Change("submit", r => TaskLifecycle.Submit(r, _spec, _now, Route, held: _spec.Entity is not null && _random.Next(2) == 0)); break;
            case 1: if (_stored is not null) Change("release", r => TaskLifecycle.Released(r!, Route)); break;
            case 2: StartOne(); break;
            case 3: case 4: FinishOne(); break;
            case 5: if (_stored is not null) Change("retry due", r => TaskLifecycle.RetryDue(r!, Route)); break;
            case 6: if (_stored is not null) Change("cancel", r => TaskLifecycle.Cancel(r!, _now, _dispatches.Count > 0)); break;
            case 7: if (_stored is not null) Change("expire", r => TaskLifecycle.Expired(r!, "held too long", _now)); break;
            case 8: if (_stored is { DeadLettered: true }) Change("dead-letter retry", r => TaskLifecycle.RetryDeadLetter(r!, Route, held: _spec.Entity is not null && _random.Next(2) == 0)); break;
            case 9: Crash(); break;
            default: Read(); break;
        }
    }

    private void StartOne()
    {
        if (_dispatches.FirstOrDefault(d => !d.Started && !d.Cancelled) is not { } dispatch) return;
        dispatch.Started = true; // the handler runs; its start is told one-way and may not be stored
        _runsInBudget++;
        Log.Add($"run of attempt {dispatch.Attempt} ({_runsInBudget} in budget)");
        Change("start", r => TaskLifecycle.Started(r!, dispatch.Attempt, _now));
    }

    private void FinishOne()
    {
        var dispatch = _dispatches.FirstOrDefault(d => d.Started || d.Cancelled);
        if (dispatch is null) return;
        var outcome = !dispatch.Started
            ? TaskOutcome.NotStarted("cancelled before it started", "long", 100, _now, dispatch.Attempt)
            : new TaskOutcome(_random.Next(3) == 0, "boom", "{}"u8.ToArray(), "long", 100, _now, _now, dispatch.Attempt,
                ErrorType: _random.Next(4) == 0 ? typeof(NonRetryableTaskException).FullName : "System.Exception");
        var runsLeft = _dispatches.Count > 1;
        // The executor delivers until the shard stores it: the dispatch ends only with a successful commit.
        _reporting = dispatch;
        if (Change("finish", r => r is null ? default : TaskLifecycle.Finished(r, outcome, _policy, _random.NextDouble(), _now, runsLeft)))
            _dispatches.Remove(dispatch);
        _reporting = null;
    }

    private void Crash()
    {
        Log.Add($"crash with {_dispatches.Count} dispatch(es) out");
        _dispatches.Clear();
        _active = false;
    }

    private void Activate()
    {
        if (_stored is null || Fails())
        {
            _active = _stored is null;
            return;
        }
        _active = true;
        Change("recover", r => TaskLifecycle.Recover(r!, _maxRecoveries, Route, _now), mayFail: false);
    }

    private void Read()
    {
        if (_stored?.ToStatus() is { IsFinal: true } status) _seenFinal ??= status;
    }

    private bool Fails() => _random.NextDouble() < _storeFailure;

    // The shard's commit: the store first; if it refuses, nothing is visible and no effect happens.
    private bool Change(string what, Func<TaskRecord?, Transition> decide, bool mayFail = true)
    {
        var transition = decide(_stored);
        if (transition.Refusal is not null || transition.Record is null) return true;
        if (!ReferenceEquals(transition.Record, _stored))
        {
            if (mayFail && Fails())
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
        Log.Add($"{what}: {_stored!.State} attempts={_stored.Attempts} recoveries={_stored.Recoveries} effects={transition.Effects}");
        Apply(transition);
        return true;
    }

    private void Apply(Transition transition)
    {
        var record = transition.Record!;
        if (transition.Has(TaskEffects.Dispatch))
        {
            if (_entityTold) throw Fail("dispatched after its entity was told it ended");
            if (record.State != TaskState.Queued) throw Fail($"dispatched from a stored {record.State}");
            _dispatches.Add(new Dispatch(record.Attempts));
        }
        if (transition.Has(TaskEffects.CancelRun)) foreach (var d in _dispatches) d.Cancelled = true;
        if (transition.Has(TaskEffects.EndInEntity) || transition.Has(TaskEffects.DropFromEntity))
        {
            if (!record.State.IsFinal()) throw Fail("entity told of an event that is not final");
            if (_dispatches.Any(d => d != _reporting)) throw Fail("entity told while a dispatch of its event is still out");
            _entityTold = true;
        }
        _held = record.State == TaskState.Held;
    }

    public void CheckInvariants()
    {
        if (_seenFinal is { } seen && _stored?.ToStatus() is { } now
            && (now.State, now.FinishedAt, now.Error, now.Attempts) != (seen.State, seen.FinishedAt, seen.Error, seen.Attempts))
            throw Fail($"a final state a client read changed: {seen.State} → {now.State}");
        if (_stored is { } record)
        {
            var bound = (_spec.MaxAttempts ?? _policy.MaxAttempts) + _maxRecoveries;
            if (_runsInBudget > bound) throw Fail($"{_runsInBudget} handler runs, over MaxAttempts + MaxCrashRecoveries = {bound}");
            if (record.Recoveries > _maxRecoveries) throw Fail($"{record.Recoveries} recoveries, over {_maxRecoveries}");
            if (record.Attempts - record.AttemptsBefore < _dispatches.Count(d => d.Started)) throw Fail("a run that no stored attempt counts");
            if (_dispatches.Any(d => d.Attempt > record.Attempts)) throw Fail("a dispatch its stored record does not count");
            if (_held && _dispatches.Any(d => !d.Cancelled)) throw Fail("a held event with a live dispatch");
        }
    }

    private InvalidOperationException Fail(string what) => new($"{what}\n{string.Join('\n', Log.TakeLast(30))}");
}
