using Surge.Entities;
using Surge.Policies;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Tasks;

// Retries with backoff, dead letters and cancellation: what the shard does when a task goes wrong or is called off.
internal sealed partial class TaskShardGrain
{
    private readonly Dictionary<string, IGrainTimer> _retryTimers = new(StringComparer.Ordinal);

    // A failed execution of an unfinished task: schedule the next attempt when the policy allows. The wait is in the
    // durable record, so a shard that comes back elsewhere keeps the schedule.
    private bool TryScheduleRetry(TaskRecord record, TaskOutcome outcome)
    {
        var policy = policies.Value.For(record.Spec.Type);
        var failed = Math.Max(outcome.Attempt, record.Attempts) - record.AttemptsBefore;
        if (failed >= (record.Spec.MaxAttempts ?? policy.MaxAttempts) || !RetryBackoff.Retries(policy, outcome.ErrorType)) return false;
        var delay = RetryBackoff.Delay(policy, failed, Random.Shared.NextDouble());
        var retrying = record with
        {
            State = TaskState.Retrying, NextAttemptAt = time.GetUtcNow() + delay, Error = outcome.Error, Pool = outcome.Pool,
            StartedAt = outcome.StartedAt, Attempts = Math.Max(record.Attempts, outcome.Attempt),
        };
        _records[record.Id] = retrying;
        _ = SaveOrKeepAsync(retrying);
        ArmRetry(record.Id, delay);
        SurgeMeter.Retries.Add(1, new KeyValuePair<string, object?>("type", record.Spec.Type));
        LogRetrying(record.Id, retrying.Attempts, outcome.Error, retrying.Attempts + 1, delay);
        return true;
    }

    private void ArmRetry(string taskId, TimeSpan delay)
    {
        if (_retryTimers.Remove(taskId, out var old)) old.Dispose();
        _retryTimers[taskId] = this.RegisterGrainTimer(_ => RetryDueAsync(taskId), delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void ArmRetries()
    {
        var now = time.GetUtcNow();
        foreach (var record in _records.Values.Where(r => r.State == TaskState.Retrying).ToList())
            ArmRetry(record.Id, (record.NextAttemptAt ?? now) - now);
    }

    private async Task RetryDueAsync(string taskId)
    {
        if (_retryTimers.Remove(taskId, out var timer)) timer.Dispose();
        if (!_records.TryGetValue(taskId, out var record) || record.State != TaskState.Retrying) return; // cancelled meanwhile
        _records[taskId] = record with { State = TaskState.Queued, NextAttemptAt = null };
        await DispatchAsync(record.Spec, record.Attempts + 1, retry: true);
    }

    private void DeadLettered(TaskRecord final)
    {
        SurgeMeter.DeadLetters.Add(1, new KeyValuePair<string, object?>("type", final.Spec.Type));
        LogDeadLettered(final.Id, final.Spec.Type, final.Attempts, final.Error);
    }

    public async Task<TaskStatus?> CancelAsync(string taskId)
    {
        if (!_records.TryGetValue(taskId, out var record)) return null;
        if (record.State.IsFinal()) return record.ToStatus();
        if (_retryTimers.Remove(taskId, out var timer)) timer.Dispose();
        await FinalizeAsync(record with { State = TaskState.Cancelled, Error = "cancelled by request", FinishedAt = time.GetUtcNow(), NextAttemptAt = null });
        // Queued or running: in some silo's executor (entity events run where their entity lives), so ask every silo.
        if (record.State is TaskState.Queued or TaskState.Running)
        {
            var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString());
            await Task.WhenAll(silos.Select(s => CancelQuietlyAsync(taskId, $"silo {s}", () => GrainFactory.GetGrain<IWorkerSiloControl>(s).CancelAsync(taskId))));
        }
        // Its entity drops it if held, or moves on if it was the running one: a cancelled event counts as handled.
        if (record.Spec.Entity is { } entity)
            await CancelQuietlyAsync(taskId, $"entity {entity}", () => GrainFactory.GetGrain<IEntityGrain>(entity).OnEventFinishedAsync(taskId));
        return _records[taskId].ToStatus();
    }

    public Task<TaskStatus[]> GetDeadLettersAsync(int max)
        => Task.FromResult(_records.Values.Where(r => r.DeadLettered).OrderByDescending(r => r.FinishedAt)
            .Take(Math.Clamp(max, 0, 1_000)).Select(r => r.ToStatus()).ToArray());

    public async Task<TaskStatus?> RetryDeadLetterAsync(string taskId)
    {
        if (!_records.TryGetValue(taskId, out var record)) return null;
        if (!record.DeadLettered)
            throw new SurgeValidationException("id", $"task '{taskId}' is {record.State}, not dead-lettered; only dead-lettered tasks are retried (see 'surge dead list')");
        var again = record with { State = TaskState.Queued, DeadLettered = false, AttemptsBefore = record.Attempts, StartedAt = null, FinishedAt = null, NextAttemptAt = null };
        _records[taskId] = again;
        try
        {
            await store.SaveAsync(_shard, [again]);
        }
        catch (Exception e)
        {
            _records[taskId] = record;
            throw new SurgeStoreUnavailableException($"the task store could not record the retry of '{taskId}' ({e.GetBaseException().Message}); it is still dead-lettered, retry");
        }
        await DispatchAsync(again.Spec, again.Attempts + 1, retry: false);
        return _records[taskId].ToStatus();
    }

    public async Task<int> PurgeDeadLettersAsync(string? taskId)
    {
        var ids = _records.Values.Where(r => r.DeadLettered && (taskId is null || r.Id == taskId)).Select(r => r.Id).ToList();
        if (ids.Count == 0) return 0;
        try
        {
            await store.RemoveAsync(_shard, ids);
        }
        catch (Exception e)
        {
            throw new SurgeStoreUnavailableException($"the task store could not remove {ids.Count} dead letter(s) ({e.GetBaseException().Message}); nothing was purged, retry");
        }
        foreach (var id in ids) _records.Remove(id);
        return ids.Count;
    }

    private async Task CancelQuietlyAsync(string taskId, string where, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e)
        {
            LogCancelUnreachable(taskId, where, e.Message); // the record is Cancelled; a late start reports into a final record
        }
    }

    private async Task SaveOrKeepAsync(TaskRecord record)
    {
        try
        {
            await store.SaveAsync(_shard, [record]);
        }
        catch (Exception)
        {
            _unsaved.Add(record.Id); // written at the next upkeep
        }
    }
}
