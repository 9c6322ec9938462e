using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>One step of one entity's run, as stored.</summary>
[GenerateSerializer, Immutable]
internal readonly record struct StepRecord(
    [property: Id(0)] StepState State,
    [property: Id(1)] bool RanDegraded,
    [property: Id(2)] DateTimeOffset? StartedAt,
    [property: Id(3)] DateTimeOffset? EndedAt,
    [property: Id(4)] string? Error,
    [property: Id(5)] double RunSeconds = 0);

/// <summary>What the wave knows of one entity: each step's state, and once done its critical path and end.</summary>
[GenerateSerializer, Immutable]
internal sealed record EntityProgress(
    [property: Id(0)] ImmutableArray<StepState> Steps,
    [property: Id(1)] bool Done,
    [property: Id(2)] double CriticalPathSeconds,
    [property: Id(3)] DateTimeOffset? EndedAt)
{
    /// <summary>
    /// How far the entity has come: a step counts 0 pending, 1 running, 2 ended. It only grows (a step never goes back,
    /// and only stored states are reported), so of two reports the one with the lower rank is the older.
    /// </summary>
    public int Rank => Steps.IsDefault ? 0 : Steps.Sum(s => s == StepState.Pending ? 0 : s == StepState.Running ? 1 : 2);
}

/// <summary>A step to start now: normally with all its inputs, or degraded with the inputs that exist.</summary>
internal readonly record struct StepStart(PlanStep Step, bool Degraded, ImmutableArray<PipeInput> Present, ImmutableArray<string> Missing);

/// <summary>
/// The rules of one entity's graph in a wave, pure: which steps may start and how, from the steps' states and the clock.
/// A step starts when every input's producer has written it; degraded, with what exists, when every producer is
/// final but some failed (waiting cannot help), or when its dependency timeout has passed since the entity started.
/// Each step starts once. The grain persists <see cref="Records"/> before it acts on a decision.
/// </summary>
internal sealed class EntityRun
{
    private readonly FlowPlan _plan;
    private readonly StepRecord[] _steps;

    public EntityRun(FlowPlan plan, DateTimeOffset startedAt, IReadOnlyList<StepRecord>? steps = null)
    {
        _plan = plan;
        StartedAt = startedAt;
        _steps = steps is null ? new StepRecord[plan.Steps.Length] : [.. steps];
        if (_steps.Length != plan.Steps.Length) throw new ArgumentException("one record per step of the plan", nameof(steps));
    }

    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<StepRecord> Records => _steps;

    public bool IsDone => _steps.All(s => IsFinal(s.State));

    public static bool IsFinal(StepState state) => state is StepState.Finished or StepState.Degraded or StepState.Failed;

    private static bool Wrote(StepState state) => state is StepState.Finished or StepState.Degraded;

    /// <summary>The steps that may start at <paramref name="now"/> and have not.</summary>
    public IReadOnlyList<StepStart> Ready(DateTimeOffset now)
    {
        var ready = new List<StepStart>();
        foreach (var step in _plan.Steps)
        {
            if (_steps[step.Index].State != StepState.Pending) continue;
            var present = step.Inputs.Where(i => Wrote(_steps[i.Producer].State)).ToImmutableArray();
            if (present.Length == step.Inputs.Length)
            {
                ready.Add(new StepStart(step, false, present, []));
                continue;
            }
            var unresolved = step.Inputs.Any(i => !IsFinal(_steps[i.Producer].State));
            if (!unresolved || now >= Deadline(step))
                ready.Add(new StepStart(step, true, present, [.. step.Inputs.Where(i => !present.Contains(i)).Select(i => i.Pipe)]));
        }
        return ready;
    }

    /// <summary>When a step still waiting for inputs would start degraded: the earliest of them, or null when none waits.</summary>
    public DateTimeOffset? NextDeadline()
    {
        DateTimeOffset? next = null;
        foreach (var step in _plan.Steps)
            if (_steps[step.Index].State == StepState.Pending && Deadline(step) is var at && (next is null || at < next)) next = at;
        return next;
    }

    private DateTimeOffset Deadline(PlanStep step) => StartedAt + step.Task.DependencyTimeout;

    /// <summary>Records that a ready step was submitted.</summary>
    public void Started(StepStart start, DateTimeOffset now)
    {
        ref var record = ref _steps[start.Step.Index];
        if (record.State != StepState.Pending) throw new InvalidOperationException($"step {start.Step.Task.Name}@{start.Step.Version} has already started");
        record = new StepRecord(StepState.Running, start.Degraded, now, null, null);
    }

    /// <summary>
    /// Records a started step's end: on success (its output written) finished, or degraded if it ran so; otherwise
    /// failed. An end for a step already final is ignored (a second report of the same outcome).
    /// </summary>
    public bool Ended(int index, bool succeeded, DateTimeOffset now, string? error = null, double runSeconds = 0)
    {
        ref var record = ref _steps[index];
        if (record.State != StepState.Running) return false;
        var state = !succeeded ? StepState.Failed : record.RanDegraded ? StepState.Degraded : StepState.Finished;
        record = record with { State = state, EndedAt = now, Error = succeeded ? null : error, RunSeconds = runSeconds };
        return true;
    }

    /// <summary>The longest chain of steps' run times (their handlers', not their waits) along the graph, in seconds.</summary>
    public double CriticalPathSeconds()
    {
        var chain = new double[_steps.Length];
        var done = new bool[_steps.Length];
        double Chain(int i)
        {
            if (done[i]) return chain[i];
            var own = _steps[i].RunSeconds;
            done[i] = true; // the plan has no cycle (validated), so this is only a memo
            chain[i] = own + _plan.Steps[i].Inputs.Select(input => Chain(input.Producer)).DefaultIfEmpty(0).Max();
            return chain[i];
        }
        return Enumerable.Range(0, _steps.Length).Select(Chain).DefaultIfEmpty(0).Max();
    }

    public EntityProgress Progress() => new([.. _steps.Select(s => s.State)], IsDone, IsDone ? CriticalPathSeconds() : 0,
        IsDone ? _steps.Max(s => s.EndedAt) : null);
}
