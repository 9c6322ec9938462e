using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Pools;

/// <summary>
/// This silo's pools at work: the shell around <see cref="PoolLedger"/> that keeps what needs threads. The ledger
/// decides under one lock; the runner starts handlers on the thread pool, enforces time limits, cancels tokens,
/// reports outcomes, and waits for them when the silo drains. Pool grains and the silo's control grain call it.
/// </summary>
internal sealed partial class PoolRunner
{
    private readonly Lock _lock = new();
    private readonly PoolLedger _ledger;
    private readonly PoolDecisions _decisions = new(); // reused under _lock
    private readonly HandlerRegistry _handlers;
    private readonly ITaskEvents _events;
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;
    private readonly TaskPoliciesOptions _policies;
    private readonly RunBounds _bounds;
    private readonly ILogger<PoolRunner> _logger;
    private readonly IRunLog _runLog;
    private readonly ILocalSiloDetails? _silo;
    private readonly IClusterMembershipService? _membership;
    private readonly HandlerThreads _threads;
    private string? _siloName;

    public PoolRunner(IOptions<WorkerOptions> workers, IOptions<PoolsOptions> pools, PoolShape shape,
        IOptions<TaskPoliciesOptions> policies, RunBounds bounds, HandlerRegistry handlers, ITaskEvents events, TimeProvider time,
        ILogger<PoolRunner> logger, IStartGate? gate = null, IRunLog? runLog = null, ILocalSiloDetails? silo = null,
        IClusterMembershipService? membership = null)
    {
        _silo = silo;
        _membership = membership;
        var w = workers.Value;
        _ledger = new PoolLedger(PoolLayout.Create(shape, w.MaxConcurrency, pools.Value, time.TimestampFrequency), w.MaxConcurrency, w.MemoryBudgetMb, gate);
        _threads = new HandlerThreads(w.MaxConcurrency);
        _runLog = runLog ?? NoRunLog.Instance;
        _policies = policies.Value;
        _bounds = bounds;
        _defaultTimeout = w.DefaultTimeout;
        _handlers = handlers;
        _events = events;
        _time = time;
        _logger = logger;
    }

    // A silo the others declared dead while it could not reach them learns it at its next read of the membership table,
    // and Orleans stops it a moment later. Meanwhile its pools would start what they still hold, though the survivors
    // have run those tasks again as crash recoveries (bench chaos: 30 starts in the 0.5 s between "told I am dead" and
    // the exit, among them a cancelled task and the build.started of an entity whose build.finished had run).
    private bool SiloDeclaredDead => _membership is { } m && _silo is { } s && m.CurrentSnapshot.GetSiloStatus(s.SiloAddress) == SiloStatus.Dead;

    /// <summary>This silo as spans name it (as task records do); null outside a silo.</summary>
    private string? Silo => _siloName ??= _silo?.SiloAddress.ToParsableString();

    public int MaxConcurrency => _ledger.MaxConcurrency;

    public double MemoryBudgetMb => _ledger.MemoryBudgetMb;

    public long MemoryDeferrals
    {
        get { lock (_lock) return _ledger.MemoryDeferrals; }
    }

    public double MemoryInUseMb
    {
        get { lock (_lock) return _ledger.MemoryInUseMb; }
    }

    /// <summary>Raised (outside the lock) when a task has to queue: the autoscaler wants to know at once.</summary>
    public event Action? Backlogged;

    public bool Runs(PoolKind kind) => _ledger.Runs(kind);

    public void Enqueue(WorkItem item) => Enqueue([item]);

    /// <summary>Queues a classifier's batch for one pool.</summary>
    public void Enqueue(PoolKind pool, PoolBatch batch)
        => Enqueue(Array.ConvertAll(batch.Items, w => new WorkItem(w.Spec, pool, w.PredictedMs, w.Attempt, w.MemoryMb, w.TraceParent, w.UpperMs, w.SubmittedAt)));

    /// <summary>Takes a batch under one lock: a pool grain hands over what its classifier sent in one call.</summary>
    public void Enqueue(IReadOnlyList<WorkItem> items)
    {
        var backlog = false;
        List<WorkItem>? stale = null, barred = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            foreach (var item in items)
            {
                // Dropped unreported: its shard counts that dispatch as never delivered or has replaced it, and the run
                // held here reports, for this attempt when it is a later one (PoolLedger.DropLate).
                if (_ledger.DropLate(item)) (stale ??= []).Add(item);
                // Nothing here answers for it, and its shard was told so (PoolLedger.Probe), or its task was cancelled
                // while it was on its way (PoolLedger.Cancel): reported never started.
                else if (_ledger.DropBarred(item, _decisions))
                {
                    if (!_ledger.BarredByCancel(item.Spec.Id)) (barred ??= []).Add(item); // a cancelled one is no anomaly
                }
                else backlog |= _ledger.Enqueue(item, now, _decisions);
            }
            ActLocked();
        }
        foreach (var item in stale ?? []) LogStaleDispatch(item.Spec.Id, item.Attempt);
        foreach (var item in barred ?? []) LogBarredDispatch(item.Spec.Id, item.Attempt);
        if (backlog) Backlogged?.Invoke();
    }

    /// <summary>Sets a pool's limit within its min/max and starts whatever now fits. Returns the limit applied.</summary>
    public int SetLimit(PoolKind kind, int limit)
    {
        lock (_lock)
        {
            var before = _ledger.Pools.FirstOrDefault(p => p.Kind == kind)?.Limit;
            var applied = _ledger.SetLimit(kind, limit, _decisions);
            if (before != applied) LogLimitChanged(kind.Name(), before ?? 0, applied);
            ActLocked();
            return applied;
        }
    }

    /// <summary>The start gate changed (a cap grant came): starts what now passes.</summary>
    public void Reconsider()
    {
        lock (_lock)
        {
            _ledger.Reconsider(_time.GetTimestamp(), _decisions);
            ActLocked();
        }
    }

    /// <summary>Tasks of a gated type waiting at the gate on this silo.</summary>
    public int WaitingAtGate(string type)
    {
        lock (_lock) return _ledger.WaitingAtGate(type);
    }

    public PoolStats[] GetStats(string silo)
    {
        lock (_lock) return _ledger.Stats(silo, _time.GetTimestamp(), _time.TimestampFrequency);
    }

    /// <summary>Whether this silo still holds the task (queued, running or reporting).</summary>
    public bool IsActive(string taskId)
    {
        lock (_lock) return _ledger.IsActive(taskId);
    }

    // Under _lock: handlers and reports start on the thread pool, never under the lock.
    private void ActLocked()
    {
        if (_decisions.IsEmpty) return;
        foreach (var (item, pool) in _decisions.Start)
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Runner.RunAsync(s.Item, s.Pool), (Runner: this, Item: item, Pool: pool), preferLocal: false);
        foreach (var (item, why) in _decisions.NotStarted)
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Runner.ReportNotStartedAsync(s.Item, s.Why), (Runner: this, Item: item, Why: why), preferLocal: false);
        _decisions.Clear();
    }

    private void Ended(WorkItem item, PoolSlots pool, double runMs)
    {
        lock (_lock)
        {
            _ledger.Ended(item, pool, runMs, _time.GetTimestamp(), _decisions);
            ActLocked();
        }
    }

    private void NeverStarted(WorkItem item, PoolSlots pool)
    {
        lock (_lock)
        {
            _ledger.NeverStarted(item, pool, _time.GetTimestamp(), _decisions);
            ActLocked();
        }
    }

    // Everything that can throw is inside the try: a task that cannot even be set up fails, and its slot is released.
    // The attempt's span ends with its handler, before the report (whose delivery may retry for long); its log scope
    // covers the report too.
    private async Task RunAsync(WorkItem item, PoolSlots pool)
    {
        var spec = item.Spec;
        var poolName = pool.Kind.Name();
        var parent = item.TraceParent ?? spec.TraceParent; // its dispatch's span, else the trace its record keeps
        var span = TaskSpans.StartAttempt(spec.Id, spec.Type, spec.Entity, parent, item.Attempt, poolName, Silo);
        using var scope = BeginRunScope(spec.Id, item.Attempt, TaskSpans.TraceIdOf(span, parent));
        var startedAt = _time.GetUtcNow();
        CancellationTokenSource? token = null;
        ITimer? softTimer = null;
        HandlerRun? run = null;
        TimeSpan soft = default;
        TaskOutcome? outcome;
        string? notStarted = null;
        try
        {
            var policy = _policies.For(spec.Type);
            soft = _bounds.SoftLimit(spec.Timeout ?? policy.SoftTimeLimit ?? _defaultTimeout);
            // The soft limit runs from the start, before anyone hears of the start; a cancel request fires the same token.
            // Its timer is the runner's, not the token's: see CancelQuietly.
            token = new CancellationTokenSource();
            softTimer = _time.CreateTimer(static s => ((Action)s!)(), CancelAction(item, token), soft, Timeout.InfiniteTimeSpan);
            if (!Running(item, token)) throw new NotStartedException(PoolLedger.CancelledBeforeStart);
            if (SiloDeclaredDead) throw new NotStartedException(PoolLedger.SiloDeclaredDead);
            startedAt = _time.GetUtcNow();
            SurgeMeter.WaitDuration.Record(_time.GetElapsedTime(item.EnqueuedAt).TotalSeconds, Tags(poolName, spec.Type));
            _events.Started(item, startedAt);
            RunLogStarted(item, startedAt);
            // The run's own DI scope, from here to the finally below: the handler and its scoped services live as long as the run.
            run = await _handlers.BeginAsync(spec.Type).ConfigureAwait(false);
            var context = new TaskContext
            {
                TaskId = spec.Id, Type = spec.Type, Payload = spec.Payload, Features = spec.Features,
                Entity = spec.Entity, Event = spec.Event, Attempt = item.Attempt, Flow = spec.Flow,
            };
            var result = await WithinHardLimitAsync(run, context, item, token, soft + policy.HardLimitGrace).ConfigureAwait(false);
            _bounds.CheckResultSize(result);
            outcome = new TaskOutcome(true, null, result, pool.Kind, item.PredictedMs, startedAt, _time.GetUtcNow(), item.Attempt, context.MemoryMb);
        }
        catch (NotStartedException e)
        {
            notStarted = e.Message; // no handler was called: a cancelled task never starts, nor one a dead silo held
            outcome = null;
        }
        catch (Exception e)
        {
            // A handler's failure fails its task, never the silo. Its message is the handler's to fill, as large as it
            // likes: bounded here, before it goes into the report, the record and every read of the task's status.
            var error = TaskStatus.BoundError(Describe(e, item, soft));
            NoteFailure(e, spec, span, error);
            outcome = new TaskOutcome(false, error, ReadOnlyMemory<byte>.Empty, pool.Kind, item.PredictedMs, startedAt, _time.GetUtcNow(), item.Attempt,
                ErrorType: TaskStatus.BoundError(e.GetType().FullName));
        }
        finally
        {
            NotRunning(item);
            softTimer?.Dispose();
            token?.Dispose();
            if (run is not null) await DisposeRunAsync(run, spec).ConfigureAwait(false);
            span?.Dispose();
        }
        if (outcome is null)
        {
            NeverStarted(item, pool);
            await ReportNotStartedAsync(item, notStarted!).ConfigureAwait(false);
            return;
        }
        RunLogEnded(item, outcome.FinishedAt, outcome.Succeeded);
        var runMs = (outcome.FinishedAt - outcome.StartedAt).TotalMilliseconds;
        SurgeMeter.RunDuration.Record(runMs / 1000, Tags(poolName, spec.Type));
        SurgeMeter.TasksFinished.Add(1, new("pool", poolName), new("state", outcome.Succeeded ? "succeeded" : "failed"));
        Ended(item, pool, runMs);
        // Final once ended: a later dispatch of the task dropped while this one ran is what the record waits for.
        if (item.ReportsAs != outcome.Attempt) outcome = outcome with { Attempt = item.ReportsAs };
        if (!PoolLedger.Reports(item, outcome))
        {
            LogGivenUpFailure(spec.Id, spec.Type, outcome.Error);
            Settle(item);
            return;
        }
        await ReportAsync(item, outcome).ConfigureAwait(false);
    }

    // The run log only serves outside checkers: a write it cannot make (a full disk) must not fail the task, nor skip
    // the slot's release and the report that follow in RunAsync: the task would stay stuck and its slot lost.
    private void RunLogStarted(WorkItem item, DateTimeOffset startedAt)
    {
        try
        {
            _runLog.Started(item, startedAt);
        }
        catch (Exception e)
        {
            LogRunLogFailed(e, item.Spec.Id, "start");
        }
    }

    private void RunLogEnded(WorkItem item, DateTimeOffset endedAt, bool succeeded)
    {
        try
        {
            _runLog.Ended(item, endedAt, succeeded);
        }
        catch (Exception e)
        {
            LogRunLogFailed(e, item.Spec.Id, "end");
        }
    }

    private Task ReportNotStartedAsync(WorkItem item, string why)
        => ReportAsync(item, TaskOutcome.NotStarted(why, item.Pool, item.PredictedMs, _time.GetUtcNow(), item.ReportsAs));

    private async Task ReportAsync(WorkItem item, TaskOutcome outcome)
    {
        try
        {
            await _events.Finished(item, outcome).ConfigureAwait(false);
        }
        finally
        {
            Settle(item); // a drain waits for this, delivered or not
        }
    }

    private static TagList Tags(string pool, string type) => new() { { "pool", pool }, { "type", type } };

    // Its start was decided, and then it must not run after all: a cancel marked it, or its silo was declared dead.
    private sealed class NotStartedException(string why) : Exception(why);
}
