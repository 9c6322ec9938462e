using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Routing;
using Surge.Tasks;
using Surge.Telemetry;

namespace Surge.Workers;

/// <summary>
/// This silo's task slots: one explicit FIFO queue per pool, a run-time concurrency limit per pool, and a cap on the
/// total. Short tasks never wait behind long ones: the short pool's slots are reserved, and short tasks may also
/// borrow idle long slots (they give them back within milliseconds); long tasks never borrow.
/// </summary>
internal sealed partial class WorkerExecutor
{
    private enum DrainMode { None, HandOver, Finish }

    private readonly Lock _lock = new();
    private readonly WorkerPool[] _pools; // in dispatch order: short work first
    private readonly int _maxConcurrency;
    private readonly double _memoryBudgetMb;
    private readonly HandlerRegistry _handlers;
    private readonly ITaskEvents _events;
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;
    private readonly TaskPoliciesOptions _policies;
    private readonly TimeSpan _maxTimeout;
    private readonly int _maxResultBytes;
    private readonly ILogger<WorkerExecutor> _logger;
    private readonly IRunLog _runLog;
    private int _running;
    private double _memoryInUseMb;
    private long _memoryDeferrals;

    public WorkerExecutor(IOptions<WorkerOptions> workers, IOptions<PoolsOptions> pools, IOptions<RoutingOptions> routing,
        IOptions<TaskPoliciesOptions> policies, IOptions<TaskOptions> tasks, HandlerRegistry handlers, ITaskEvents events, TimeProvider time,
        ILogger<WorkerExecutor> logger, IRunLog? runLog = null)
    {
        _runLog = runLog ?? NoRunLog.Instance;
        _policies = policies.Value;
        _maxTimeout = tasks.Value.MaxTimeout;
        _maxResultBytes = tasks.Value.MaxResultBytes;
        _maxConcurrency = workers.Value.MaxConcurrency;
        _memoryBudgetMb = workers.Value.MemoryBudgetMb;
        _defaultTimeout = workers.Value.DefaultTimeout;
        _pools = PoolLayout.Create(routing.Value.Mode, _maxConcurrency, pools.Value);
        _handlers = handlers;
        _events = events;
        _time = time;
        _logger = logger;
        CreateCaps(_policies);
    }

    public int MaxConcurrency => _maxConcurrency;

    /// <summary>How many tasks have waited for memory: each counts once, however long it waited.</summary>
    public long MemoryDeferrals => Interlocked.Read(ref _memoryDeferrals);

    public double MemoryBudgetMb => _memoryBudgetMb;

    /// <summary>Predicted memory of every running task.</summary>
    public double MemoryInUseMb
    {
        get { lock (_lock) return _memoryInUseMb; }
    }

    /// <summary>Raised (outside the lock) when a task has to queue: the autoscaler wants to know at once.</summary>
    public event Action? Backlogged;

    public void Enqueue(WorkItem item)
    {
        bool backlog;
        lock (_lock)
        {
            if (_drain == DrainMode.HandOver)
            {
                _handedOver++; // its record stays unfinished: the grain's next activation, elsewhere, runs it
                Track(item);
                ReportNotStartedLocked(item, HandedOver);
                return;
            }
            var pool = Find(item.Pool) ?? throw new ArgumentException($"pool '{item.Pool}' does not run on this silo", nameof(item));
            Track(item);
            item.EnqueuedAt = _time.GetTimestamp();
            if (!AdmitOrHoldLocked(item)) return; // waits for its type's cluster-wide cap, outside the pool
            pool.Queue.Enqueue(item);
            pool.Arrived++;
            DispatchLocked();
            backlog = pool.Queue.Count > 0;
        }
        if (backlog) Backlogged?.Invoke();
    }

    /// <summary>Sets a pool's limit within its min/max and starts whatever now fits. Returns the limit applied.</summary>
    public int SetLimit(string poolName, int limit)
    {
        lock (_lock)
        {
            var pool = Find(poolName) ?? throw new ArgumentException($"pool '{poolName}' does not run on this silo; pools: {string.Join(", ", _pools.Select(p => p.Name))}", nameof(poolName));
            var applied = Math.Clamp(limit, pool.Min, pool.Max);
            if (applied != pool.Limit)
            {
                LogLimitChanged(pool.Name, pool.Limit, applied);
                pool.Limit = applied;
                DispatchLocked();
            }
            return applied;
        }
    }

    public PoolStats[] GetStats(string silo)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            return Array.ConvertAll(_pools, p => new PoolStats(silo, p.Name, p.Queue.Count, p.Running, p.Limit, p.Min, p.Max,
                p.Started, p.Completed, p.Queue.TryPeek(out var oldest) ? _time.GetElapsedTime(oldest.EnqueuedAt, now).TotalMilliseconds : 0, p.MemoryMb,
                p.Arrived, p.RunMsTotal));
        }
    }

    private WorkerPool? Find(string name)
    {
        foreach (var pool in _pools)
        {
            if (pool.Name == name) return pool;
        }
        return null;
    }

    // Starts queued work while slots allow, short pools first. Runs under _lock; handlers start on the thread pool.
    private void DispatchLocked()
    {
        foreach (var pool in _pools)
        {
            while (pool.Queue.Count > 0)
            {
                // A cancelled head leaves even when no slot is free: its outcome need not wait for one.
                if (pool.Queue.Peek().Cancelled)
                {
                    var dropped = pool.Queue.Dequeue();
                    ReleaseCapLocked(dropped);
                    ReportNotStartedLocked(dropped);
                    continue;
                }
                if (_running >= _maxConcurrency) break;
                bool borrowed;
                if (pool.HasOwnSlot) borrowed = false;
                else if (pool.Lender is { CanLend: true }) borrowed = true;
                else break;

                // FIFO within a pool: a head that does not fit memory waits, and what queues behind it waits too.
                if (!FitsMemory(pool.Queue.Peek())) break;
                var item = pool.Queue.Dequeue();
                item.Borrowed = borrowed;
                pool.MemoryMb += item.MemoryMb;
                _memoryInUseMb += item.MemoryMb;
                if (borrowed)
                {
                    pool.Borrowed++;
                    pool.Lender!.Lent++;
                }
                pool.Running++;
                pool.Started++;
                _running++;
                _unsettled++;
                ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Executor.RunAsync(s.Item, s.Pool), (Executor: this, Item: item, Pool: pool), preferLocal: false);
            }
        }
    }

    // A task larger than the whole budget still runs, alone: nothing else runs when it starts, nothing starts beside it.
    private bool FitsMemory(WorkItem item)
    {
        if (_running == 0 || _memoryInUseMb + item.MemoryMb <= _memoryBudgetMb) return true;
        if (!item.MemoryDeferred)
        {
            item.MemoryDeferred = true;
            _memoryDeferrals++;
        }
        return false;
    }

    private void Release(WorkItem item, WorkerPool pool, double runMs)
    {
        lock (_lock)
        {
            pool.RunMsTotal += runMs;
            pool.MemoryMb -= item.MemoryMb;
            _memoryInUseMb -= item.MemoryMb;
            if (item.Borrowed)
            {
                pool.Borrowed--;
                pool.Lender!.Lent--;
            }
            pool.Running--;
            pool.Completed++;
            _running--;
            ReleaseCapLocked(item);
            DispatchLocked();
        }
    }

    // Everything that can throw is inside the try: a task that cannot even be set up fails, and its slot is released.
    private async Task RunAsync(WorkItem item, WorkerPool pool)
    {
        var spec = item.Spec;
        var startedAt = _time.GetUtcNow();
        CancellationTokenSource? token = null;
        TimeSpan soft = default;
        TaskOutcome outcome;
        try
        {
            var policy = _policies.For(spec.Type);
            soft = SoftLimit(spec, policy);
            // The soft limit runs from the start, before anyone hears of the start; a cancel request fires the same token.
            token = new CancellationTokenSource(soft, _time);
            Running(item, token);
            startedAt = _time.GetUtcNow();
            SurgeMeter.WaitDuration.Record(_time.GetElapsedTime(item.EnqueuedAt).TotalSeconds, Tags(pool.Name, spec.Type));
            _events.Started(item, startedAt);
            _runLog.Started(item, startedAt);
            if (!_handlers.TryGet(spec.Type, out var handler))
                throw new InvalidOperationException($"no handler for type '{spec.Type}' on this silo");
            var context = new TaskContext
            {
                TaskId = spec.Id, Type = spec.Type, Payload = spec.Payload, Features = spec.Features,
                Entity = spec.Entity, Event = spec.Event, Attempt = item.Attempt,
            };
            var result = await WithinHardLimitAsync(handler, context, item, token, soft + policy.HardLimitGrace).ConfigureAwait(false);
            CheckResultSize(result);
            outcome = new TaskOutcome(true, null, result, pool.Name, item.PredictedMs, startedAt, _time.GetUtcNow(), item.Attempt, context.MemoryMb);
        }
        catch (Exception e)
        {
            // A handler's failure fails its task, never the silo.
            LogTaskFailed(e, spec.Id, spec.Type);
            var error = e switch
            {
                OperationCanceledException when item.Cancelled => "cancelled",
                OperationCanceledException => $"soft time limit of {soft} reached: the handler's token was cancelled",
                _ => $"{e.GetType().Name}: {e.Message}",
            };
            outcome = new TaskOutcome(false, error, ReadOnlyMemory<byte>.Empty, pool.Name, item.PredictedMs, startedAt, _time.GetUtcNow(), item.Attempt,
                ErrorType: e.GetType().FullName);
        }
        finally
        {
            NotRunning(item);
            token?.Dispose();
        }
        _runLog.Ended(item, outcome.FinishedAt, outcome.Succeeded);
        var runMs = (outcome.FinishedAt - outcome.StartedAt).TotalMilliseconds;
        SurgeMeter.RunDuration.Record(runMs / 1000, Tags(pool.Name, spec.Type));
        SurgeMeter.TasksFinished.Add(1, new("pool", pool.Name), new("state", outcome.Succeeded ? "succeeded" : "failed"));
        Release(item, pool, runMs);
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
}
