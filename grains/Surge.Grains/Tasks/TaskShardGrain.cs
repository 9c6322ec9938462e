using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Surge.Entities;
using Surge.Policies;
using Surge.Routing;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Tasks;

/// <summary>
/// The records of one shard of task ids. Reentrant: a shard serves many tasks, so it must not sit idle while one
/// waits for storage or an entity. Every change is made synchronously, before any await, on an immutable record,
/// so an interleaved call sees either the old record or the new one, never half of a change.
/// </summary>
[Reentrant]
[KeepAlive]
[ShardPlacement]
internal sealed partial class TaskShardGrain(
    ITaskStore store,
    HandlerRegistry handlers,
    IOptions<WorkerOptions> workers,
    IOptions<TaskOptions> options,
    IOptions<TaskPoliciesOptions> policies,
    ResultCache cache,
    TaskDispatcher dispatcher,
    RecoveryOptions recovery,
    DrainSignal drain,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<TaskShardGrain> logger) : Grain, ITaskShardGrain, ITaskShardLifecycle
{
    private readonly ILogger _logger = logger;
    private readonly Dictionary<string, TaskRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unsaved = new(StringComparer.Ordinal); // final, but the store was down
    private int _shard;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _shard = (int)this.GetPrimaryKeyLong();
        IReadOnlyCollection<TaskRecord> stored;
        try
        {
            stored = await store.LoadAsync(_shard);
        }
        catch (Exception e)
        {
            // The caller sees a retryable error it can deserialize, not the store client's own exception type.
            throw new SurgeStoreUnavailableException($"the task store could not load shard {_shard} ({e.GetBaseException().Message}); nothing was accepted, retry");
        }
        foreach (var record in stored) _records[record.Id] = record;
        if (recovery.RedispatchOnActivation) Recover();
        ArmRetries();
        var sweep = TimeSpan.FromTicks(Math.Clamp(options.Value.Retention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        this.RegisterGrainTimer(EvictExpiredAsync, sweep, sweep);
        this.RegisterGrainTimer(UpkeepAsync, recovery.UpkeepPeriod, recovery.UpkeepPeriod);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Callers waiting here get the current state and ask again, by then of the shard's next activation.
        foreach (var waiter in _waiters.Values) waiter.TrySetResult();
        _waiters.Clear();
        return Task.CompletedTask;
    }

    public async Task<TaskStatus> SubmitAsync(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = spec.Id ?? ""; // a deserialized spec may carry a null id; validation names it
        if (_records.TryGetValue(id, out var existing)) return existing.ToStatus(); // the first submission stands

        TaskValidator.Validate(spec, workers.Value.MaxPayloadBytes);
        if (TaskShards.For(id) != _shard)
            throw new SurgeValidationException("id", $"'{id}' belongs to shard {TaskShards.For(id)}, not {_shard}; submit through ISurgeClient");
        handlers.Validate(spec);

        var record = await FromCacheAsync(spec) ?? new TaskRecord { Spec = spec, State = TaskState.Queued, SubmittedAt = time.GetUtcNow() };
        if (_records.TryGetValue(id, out existing)) return existing.ToStatus(); // submitted meanwhile (the grain is reentrant)
        _records[id] = record;
        try
        {
            await store.SaveAsync(_shard, [record]); // durable before anything can run it
        }
        catch (Exception e)
        {
            _records.Remove(id); // not acknowledged: the caller retries, and the retry must not look like a duplicate
            throw new SurgeStoreUnavailableException($"the task store could not record task '{id}' ({e.GetBaseException().Message}); nothing was accepted, retry the submission");
        }
        if (record.FromCache) SurgeMeter.SojournDuration.Record(0, new KeyValuePair<string, object?>("pool", "cache"), new KeyValuePair<string, object?>("type", spec.Type));
        else await DispatchAsync(spec, attempt: 1, retry: false);
        return _records[id].ToStatus();
    }

    public async Task<TaskStatus> SubmitAndWaitAsync(TaskSpec spec, TimeSpan maxWait)
    {
        var submitted = await SubmitAsync(spec);
        return submitted.IsFinal ? submitted : await WaitAsync(submitted.Id, maxWait) ?? submitted;
    }

    public Task<TaskStatus[]> GetHeldAsync(int max)
        => Task.FromResult(_records.Values.Where(r => r.State == TaskState.Held).OrderBy(r => r.SubmittedAt)
            .Take(Math.Clamp(max, 0, 1_000)).Select(r => r.ToStatus()).ToArray());

    public Task<TaskStatus?> GetStatusAsync(string taskId)
        => Task.FromResult(_records.TryGetValue(taskId, out var record) ? record.ToStatus() : null);

    public async Task<TaskStatus?> WaitAsync(string taskId, TimeSpan maxWait)
    {
        if (!_records.TryGetValue(taskId, out var record)) return null;
        if (!record.State.IsFinal() && maxWait > TimeSpan.Zero)
        {
            if (!_waiters.TryGetValue(taskId, out var waiter))
                _waiters[taskId] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await waiter.Task.WaitAsync(maxWait, time, drain.Drained);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Not final yet, or this silo is stopping: the caller sees the current state and asks again.
            }
        }
        return _records.TryGetValue(taskId, out record) ? record.ToStatus() : null;
    }

    public Task OnStartedAsync(string taskId, TaskStart start)
    {
        if (_records.TryGetValue(taskId, out var record) && !record.State.IsFinal())
        {
            _records[taskId] = record with
            {
                State = TaskState.Running, Pool = start.Pool, PredictedMs = start.PredictedMs, StartedAt = start.StartedAt,
                Attempts = Math.Max(record.Attempts, start.Attempt),
            };
        }
        return Task.CompletedTask;
    }

    public async Task OnFinishedAsync(string taskId, TaskOutcome outcome)
    {
        if (!_records.TryGetValue(taskId, out var record)) return;
        if (!record.State.IsFinal()) // exactly one recorded result: a re-run's outcome is dropped
        {
            // A failure that is not the latest attempt's, or one already waiting to retry, decides nothing.
            if (!outcome.Succeeded && (outcome.Attempt < record.Attempts || record.State == TaskState.Retrying)) return;
            if (!outcome.Succeeded && TryScheduleRetry(record, outcome)) return; // not final: its entity keeps waiting
            var final = record with
            {
                State = outcome.Succeeded ? TaskState.Succeeded : TaskState.Failed, DeadLettered = !outcome.Succeeded,
                Pool = outcome.Pool, PredictedMs = outcome.PredictedMs, StartedAt = outcome.StartedAt, FinishedAt = outcome.FinishedAt,
                Attempts = Math.Max(record.Attempts, outcome.Attempt), Error = outcome.Error, Result = outcome.Result, NextAttemptAt = null,
            };
            // Cached before anyone hears of the result: a caller who saw it and submits again gets the cached one.
            // The grain is reentrant: a duplicate run's outcome may have made the record final during that call.
            if (outcome.CacheKey is { } key && outcome.Succeeded)
            {
                await RememberResultAsync(key, final);
                if (!_records.TryGetValue(taskId, out var now) || now.State.IsFinal()) return;
            }
            await FinalizeAsync(final);
            if (final.DeadLettered) DeadLettered(final);
        }
        // Told even for a re-run: if the first finish never reached the entity (a silo died), this one unblocks it.
        if (record.Spec.Entity is { } entity)
            await GrainFactory.GetGrain<IEntityGrain>(entity).OnEventFinishedAsync(taskId);
    }

    public async Task OnExpiredAsync(string taskId, string reason)
    {
        if (!_records.TryGetValue(taskId, out var record) || record.State.IsFinal()) return;
        var final = record with { State = TaskState.Failed, Error = reason, FinishedAt = time.GetUtcNow(), DeadLettered = true };
        await FinalizeAsync(final);
        DeadLettered(final);
    }

    // A retry of an entity event goes to its entity, which still holds it as running; a first run or a retry from
    // the dead letters goes through the entity's order rules.
    private async Task DispatchAsync(TaskSpec spec, int attempt, bool retry)
    {
        if (spec.Entity is not null)
        {
            if (retry) await RetryInEntityAsync(spec, attempt);
            else await HandToEntityAsync(spec);
            return;
        }
        var decision = dispatcher.Dispatch(spec, attempt);
        Update(spec.Id, r => r.Pool is null || retry ? r with { Pool = decision.Pool, PredictedMs = decision.PredictedMs } : r);
    }

    private async Task RetryInEntityAsync(TaskSpec spec, int attempt)
    {
        try
        {
            await GrainFactory.GetGrain<IEntityGrain>(spec.Entity!).RetryAsync(spec, attempt);
        }
        catch (Exception e)
        {
            LogEntityUnreachable(spec.Id, spec.Entity!, e.Message); // upkeep hands it over; the entity runs it again
        }
    }

    // Entity events run when their entity releases them. The record is durable already, so a failure here is not the
    // caller's: upkeep hands the event over again (the entity ignores an event it already has).
    private async Task HandToEntityAsync(TaskSpec spec)
    {
        try
        {
            var released = await GrainFactory.GetGrain<IEntityGrain>(spec.Entity!).EnqueueAsync(spec);
            if (!released) Update(spec.Id, r => r.State == TaskState.Queued ? r with { State = TaskState.Held } : r);
        }
        catch (Exception e)
        {
            LogEntityUnreachable(spec.Id, spec.Entity!, e.Message);
        }
    }

    // Applies a change to the current record: the one read before an await may have been replaced meanwhile.
    private void Update(string taskId, Func<TaskRecord, TaskRecord> change)
    {
        if (_records.TryGetValue(taskId, out var record)) _records[taskId] = change(record);
    }

    private async Task FinalizeAsync(TaskRecord final)
    {
        _records[final.Id] = final;
        SurgeMeter.SojournDuration.Record((final.FinishedAt ?? time.GetUtcNow()).Subtract(final.SubmittedAt).TotalSeconds,
            new KeyValuePair<string, object?>("pool", final.Pool ?? "none"), new KeyValuePair<string, object?>("type", final.Spec.Type));
        if (_waiters.Remove(final.Id, out var waiter)) waiter.TrySetResult();
        try
        {
            await store.SaveAsync(_shard, [final]);
        }
        catch (Exception)
        {
            // Kept here and written at the next upkeep; if this silo dies first, the task runs again (at least once).
            _unsaved.Add(final.Id);
        }
    }

    private async Task EvictExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var expired = _records.Values.Where(r => r.FinishedAt < cutoff).Select(r => r.Id).ToList();
        if (expired.Count == 0) return;
        foreach (var id in expired) _records.Remove(id);
        await store.RemoveAsync(_shard, expired);
    }
}
