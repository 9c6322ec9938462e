using Surge.Entities;

namespace Surge.Tasks;

// Retries with backoff, cancellation and dead letters: what the shard does when a task goes wrong or is called off.
internal sealed partial class TaskShardGrain
{
    private static readonly TimeSpan RetryAgainAfterStoreFailure = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, IGrainTimer> _retryTimers = new(StringComparer.Ordinal);

    // The wait is in the stored record (NextAttemptAt), so a shard that comes back elsewhere arms it again.
    private void ArmRetry(string taskId, TimeSpan delay)
    {
        DisarmRetry(taskId);
        _retryTimers[taskId] = this.RegisterGrainTimer(_ => RetryDueAsync(taskId), delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void DisarmRetry(string taskId)
    {
        if (_retryTimers.Remove(taskId, out var timer)) timer.Dispose();
    }

    private async Task RetryDueAsync(string taskId)
    {
        _retryTimers.Remove(taskId, out var timer);
        timer?.Dispose();
        if (_records.GetValueOrDefault(taskId) is not { State: TaskState.Retrying } record) return; // cancelled meanwhile
        try
        {
            await ChangeAsync(taskId, r => r is null ? default : TaskLifecycle.RetryDue(r, Target(r.Spec), time.GetUtcNow()), "the next attempt");
        }
        catch (SurgeStoreUnavailableException)
        {
            if (_records.GetValueOrDefault(taskId) is { State: TaskState.Retrying }) ArmRetry(taskId, RetryAgainAfterStoreFailure);
        }
    }

    public async Task<TaskStatus?> CancelAsync(string taskId)
    {
        if (!_records.ContainsKey(taskId) && !_gates.IsHeld(taskId)) return null;
        var now = time.GetUtcNow();
        // Refused, the caller hears that nothing was cancelled: a Cancelled record Redis stores all the same is taken back.
        var cancelled = await ChangeAsync(taskId, r => r is null ? default : TaskLifecycle.Cancel(r, now, RunAlive(r)), "the cancel", takeBack: true);
        return cancelled.Record?.ToStatus();
    }

    public Task<TaskStatus[]> GetDeadLettersAsync(int max)
        => Task.FromResult(Digest.DeadLetters.Take(Math.Clamp(max, 0, 1_000)).Select(r => r.ToStatus()).ToArray());

    // An entity event goes back to its entity first, to its place in the entity's order; the entity may hold it until
    // what runs there now has ended.
    public Task<TaskStatus?> RetryDeadLetterAsync(string taskId) => RetryDeadLetterAsync(taskId, null);

    public Task<TaskStatus?> RetryDeadLetterAsync(string taskId, int deadLetterAttempts) => RetryDeadLetterAsync(taskId, (int?)deadLetterAttempts);

    private async Task<TaskStatus?> RetryDeadLetterAsync(string taskId, int? deadLetterAttempts)
    {
        if (!_records.TryGetValue(taskId, out var record)) return null;
        TaskRecord? retried = null;
        var undo = false;
        using (var gate = await _gates.EnterAsync(taskId))
        {
            if (!_records.TryGetValue(taskId, out record)) return null;
            if (TaskLifecycle.AlreadyRetried(record, deadLetterAttempts)) return record.ToStatus(); // a repeated call: retried once
            var held = false;
            if (record.DeadLettered && record.Spec.Entity is not null) held = await AdmitAsync(record.Spec, readmit: true, releasedBefore: record.Attempts > 0, budget: record.Attempts) == Entities.Admission.Held;
            var transition = TaskLifecycle.RetryDeadLetter(record, record.DeadLettered && !held ? Target(record.Spec) : null, held, time.GetUtcNow(), deadLetterAttempts);
            if (transition.Refusal is { } refusal) throw refusal;
            try
            {
                retried = await CommitAsync(transition, "the retry", record);
                _maybeStored.Remove(taskId);
            }
            catch (SurgeStoreUnavailableException)
            {
                undo = true;
                throw;
            }
            finally
            {
                // The retry may be stored with its answer lost: the dead letter is stored again, as the caller heard it
                // stays, and before an entity lets the event go.
                var withdraw = undo && record.Spec.Entity is not null && await UndoUnstoredAsync(taskId, record.Spec.Entity, record);
                if (undo && record.Spec.Entity is null) TakeBackUnstored(taskId, record);
                gate.Dispose();
                if (withdraw) await WithdrawQuietlyAsync(taskId, record.Spec.Entity!);
            }
        }
        return retried!.ToStatus();
    }

    public async Task<int> PurgeDeadLettersAsync(string? taskId)
    {
        // One dead letter is looked up by its id; all of them are the dead-letter list's, not a look at every record.
        var ids = taskId is not null
            ? _records.TryGetValue(taskId, out var one) && one.DeadLettered ? [taskId] : []
            : _index.Ids(TaskList.DeadLetters);
        return ids.Count == 0 ? 0 : await RemoveAsync(ids, r => r.DeadLettered, "dead letter(s)", takeBack: true);
    }

    private async Task EvictExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        bool Expired(TaskRecord r) => TaskLifecycle.MayForget(r, cutoff);
        var expired = _finished.TakeWhile(f => f.FinishedAt < cutoff).Select(f => f.Id).ToList();
        if (expired.Count == 0) return;
        try
        {
            await RemoveAsync(expired, Expired, "expired record(s)", takeBack: false);
        }
        catch (SurgeStoreUnavailableException)
        {
            // Next sweep.
        }
    }

    // Removes records from the store, then from memory, holding their gates so no change slips in between. A refused
    // removal the store may have run all the same (its answer lost) is taken back when a caller asked for it
    // (takeBack): the caller hears "nothing was removed", so the next activation must load them. An expiry sweep's is
    // not: those records may go, and the next sweep removes them again.
    private async Task<int> RemoveAsync(List<string> ids, Func<TaskRecord, bool> still, string what, bool takeBack)
    {
        var gates = new List<IDisposable>(ids.Count);
        try
        {
            // In one order, so that two removals of overlapping ids (a sweep and a purge) never wait on each other.
            foreach (var id in ids.Order(StringComparer.Ordinal)) gates.Add(await _gates.EnterAsync(id));
            var removable = await EndInEntitiesFirstAsync(ids.Where(id => _records.TryGetValue(id, out var r) && still(r)).ToList());
            if (removable.Count == 0) return 0;
            try
            {
                await store.RemoveAsync(_claim, removable);
            }
            catch (Exception e)
            {
                if (takeBack) TakeBackUnstored(removable.Select(id => _records[id]).ToList()); // under their gates
                throw StoreRefused(e, $"the task store could not remove {removable.Count} {what}", "nothing was removed");
            }
            var digestChanged = false;
            foreach (var id in removable) digestChanged |= Drop(id);
            if (digestChanged) PublishDigest();
            return removable.Count;
        }
        finally
        {
            foreach (var gate in gates) gate.Dispose();
        }
    }

    // Forgotten, an entity event's record answers "unknown" to its entity. If the event's end was lost with a silo, the
    // entity still holds it as running, and would drop it unhandled: its successors would wait for it until their hold
    // limit. So each entity stores its events' ends before their records go; those whose entity does not answer stay
    // until the next sweep (or purge). Called under the records' gates: a dead letter cannot be run again meanwhile.
    // Only ends that count as handled: an event that failed at its hold limit never ran (TaskLifecycle.RunOf).
    private const int EndsPerCall = 256;

    private async Task<List<string>> EndInEntitiesFirstAsync(List<string> ids)
    {
        var events = ids.Select(id => _records[id]).Where(r => r.Spec.Entity is not null && TaskLifecycle.RunOf(r, runAlive: false) == EventRun.Ended)
            .Select(r => new EventOfEntity(r.Spec.Entity!, r.Id)).ToList();
        if (events.Count == 0) return ids;
        var untold = new HashSet<string>();
        // In slices: after a long outage one sweep may forget many events, and one call for all of them could outlast
        // the call timeout every time, and never let any go.
        await Task.WhenAll(events.GroupBy(e => EntityShards.For(e.Entity)).Select(async shard =>
        {
            foreach (var slice in shard.Chunk(EndsPerCall))
            {
                try
                {
                    await GrainFactory.EntityShard(shard.Key).EndBeforeForgetAsync(slice);
                }
                catch (Exception e)
                {
                    LogEndsNotStored(slice.Length, shard.Key, e.Message);
                    untold.UnionWith(slice.Select(ev => ev.TaskId)); // one turn at a time: no lock needed
                }
            }
        }));
        return untold.Count == 0 ? ids : ids.Where(id => !untold.Contains(id)).ToList();
    }
}
