using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Surge.Entities;
using Surge.Routing;
using Surge.Workers;

namespace Surge.Tasks;

/// <summary>
/// The records of one shard of task ids. Reentrant: a shard serves many tasks, so it must not sit idle while one
/// waits for storage or an entity. Every change is made synchronously, before any await, on an immutable record,
/// so an interleaved call sees either the old record or the new one, never half of a change.
/// </summary>
[Reentrant]
[KeepAlive]
internal sealed class TaskShardGrain(
    ITaskStore store,
    HandlerRegistry handlers,
    IOptions<WorkerOptions> workers,
    IOptions<TaskOptions> options,
    TaskDispatcher dispatcher,
    TimeProvider time) : Grain, ITaskShardGrain, ITaskShardLifecycle
{
    private readonly Dictionary<string, TaskRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private int _shard;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _shard = (int)this.GetPrimaryKeyLong();
        foreach (var record in await store.LoadAsync(_shard)) _records[record.Id] = record;
        var sweep = TimeSpan.FromTicks(Math.Clamp(options.Value.Retention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        this.RegisterGrainTimer(EvictExpiredAsync, sweep, sweep);
    }

    public async Task<TaskStatus> SubmitAsync(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = spec.Id ?? ""; // a deserialized spec may carry a null id; validation names it
        if (_records.TryGetValue(id, out var existing)) return existing.ToStatus(); // the first submission stands

        TaskValidator.Validate(spec, workers.Value.MaxPayloadBytes);
        if (TaskShards.For(id) != _shard)
            throw new SurgeValidationException("id", $"'{id}' belongs to shard {TaskShards.For(id)}, not {_shard}; submit through ISurgeClient");
        handlers.EnsureKnown(spec.Type);

        var record = new TaskRecord { Spec = spec, State = TaskState.Queued, SubmittedAt = time.GetUtcNow() };
        _records[id] = record;
        try
        {
            await store.SaveAsync(_shard, record); // durable before anything can run it
        }
        catch
        {
            _records.Remove(id); // not acknowledged: the caller retries, and the retry must not look like a duplicate
            throw;
        }
        await DispatchAsync(spec);
        return _records[id].ToStatus();
    }

    public async Task<TaskStatus> SubmitAndWaitAsync(TaskSpec spec, TimeSpan maxWait)
    {
        var submitted = await SubmitAsync(spec);
        return submitted.IsFinal ? submitted : await WaitAsync(submitted.Id, maxWait) ?? submitted;
    }

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
                await waiter.Task.WaitAsync(maxWait, time);
            }
            catch (TimeoutException)
            {
                // Not final yet: the caller sees the current state and asks again.
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
        if (!_records.TryGetValue(taskId, out var record) || record.State.IsFinal()) return; // exactly one recorded result
        await FinalizeAsync(record with
        {
            State = outcome.Succeeded ? TaskState.Succeeded : TaskState.Failed,
            Pool = outcome.Pool, PredictedMs = outcome.PredictedMs, StartedAt = outcome.StartedAt, FinishedAt = outcome.FinishedAt,
            Attempts = Math.Max(record.Attempts, outcome.Attempt), Error = outcome.Error, Result = outcome.Result,
        });
        if (record.Spec.Entity is { } entity)
            await GrainFactory.GetGrain<IEntityGrain>(entity).OnEventFinishedAsync(taskId);
    }

    public async Task OnExpiredAsync(string taskId, string reason)
    {
        if (!_records.TryGetValue(taskId, out var record) || record.State.IsFinal()) return;
        await FinalizeAsync(record with { State = TaskState.Failed, Error = reason, FinishedAt = time.GetUtcNow() });
    }

    private async Task DispatchAsync(TaskSpec spec)
    {
        if (spec.Entity is { } entity)
        {
            var released = await GrainFactory.GetGrain<IEntityGrain>(entity).EnqueueAsync(spec);
            if (!released) Update(spec.Id, r => r.State == TaskState.Queued ? r with { State = TaskState.Held } : r);
            return;
        }
        var decision = dispatcher.Dispatch(spec, attempt: 1);
        Update(spec.Id, r => r.Pool is null ? r with { Pool = decision.Pool, PredictedMs = decision.PredictedMs } : r);
    }

    // Applies a change to the current record: the one read before an await may have been replaced meanwhile.
    private void Update(string taskId, Func<TaskRecord, TaskRecord> change)
    {
        if (_records.TryGetValue(taskId, out var record)) _records[taskId] = change(record);
    }

    private async Task FinalizeAsync(TaskRecord final)
    {
        _records[final.Id] = final;
        if (_waiters.Remove(final.Id, out var waiter)) waiter.TrySetResult();
        await store.SaveAsync(_shard, final);
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
