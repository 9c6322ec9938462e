using Surge.Pools;
using Surge.Entities;

namespace Surge.Tasks;

// What the runtime tells the shard about its tasks: executor starts and outcomes, and entity releases and expiries.
internal sealed partial class TaskShardGrain
{
    private static readonly TimeSpan StartsEvery = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<string, TaskStart> _starts = new(StringComparer.Ordinal); // reported, not yet stored
    private IGrainTimer? _startTimer;

    // A start is stored (and so shown as Running) within StartsEvery of the start: in one batch with the others that
    // came meanwhile, and not at all for a task whose outcome came first. A no-op task then costs two writes, not three.
    public Task OnStartedAsync(string taskId, TaskStart start)
    {
        _starts[taskId] = start;
        _startTimer ??= this.RegisterGrainTimer(StoreStartsAsync, StartsEvery, Timeout.InfiniteTimeSpan); // one tick, armed while starts wait
        return Task.CompletedTask;
    }

    private async Task StoreStartsAsync(CancellationToken cancellationToken)
    {
        _startTimer?.Dispose();
        _startTimer = null;
        if (_starts.Count == 0) return;
        var starts = _starts.ToList();
        _starts.Clear();
        try
        {
            await Task.WhenAll(starts.Select(s =>
                ChangeAsync(s.Key, r => r is null ? default : TaskLifecycle.Started(r, s.Value), "the start")));
        }
        catch (SurgeStoreUnavailableException)
        {
            // The records still say Queued: only the Running state is late, the outcome still lands.
        }
    }

    public async Task OnFinishedAsync(string taskId, TaskOutcome outcome)
    {
        _starts.Remove(taskId); // its outcome says more
        // Cached before anyone hears of the result, so a caller who saw it and submits the same payload gets it from the
        // cache. Only an optimisation: a result a successful run produced is valid whether or not its record is stored yet.
        if (outcome is { Succeeded: true, CacheKey: { } key } && _records.GetValueOrDefault(taskId) is { } open && !open.State.IsFinal())
            await RememberResultAsync(key, open.Spec.Type, outcome.Result);
        var now = time.GetUtcNow();
        var from = _records.GetValueOrDefault(taskId)?.RanOn;
        var finished = await ChangeAsync(taskId,
            r => r is null ? default : TaskLifecycle.Finished(r, outcome, policies.Value.For(r.Spec.Type), Random.Shared.NextDouble(), now),
            "the outcome");
        if (!outcome.Ran && from is not null && finished.Record is { State: TaskState.Queued, RanOn: null })
        {
            // Handed back because this shard moved (PoolLedger.HandBack): the silo it left is fine, and may be this one
            // (the move fell through).
            var moved = outcome.Error == PoolLedger.ShardMoved;
            if (moved || from != Here) await RedispatchHandedBackAsync(taskId, from, avoid: !moved);
        }
    }

    // Another silo handed the task back unstarted (it drains, or no longer hosts the pool): the task goes to another
    // silo that hosts its pool now, not at the next upkeep, and that silo is left out of the choice for a while
    // (<paramref name="avoid"/>). Also a task its shard's move took out of the pools it left.
    private async Task RedispatchHandedBackAsync(string taskId, string from, bool avoid)
    {
        if (avoid) hosts.Avoid(from);
        if (!recovery.RedispatchOnActivation) return;
        try
        {
            var max = options.Value.MaxCrashRecoveries;
            var now = time.GetUtcNow();
            await ChangeAsync(taskId, r => r is { State: TaskState.Queued, RanOn: null } ? TaskLifecycle.Recover(r, max, Target(r.Spec), now, RunAlive(r)) : default,
                "the dispatch of a task handed back");
        }
        catch (SurgeStoreUnavailableException)
        {
            // Still queued and undispatched: the next upkeep dispatches it.
        }
    }

    // Calls from an entity never wait for a task that is not stored yet: its submission may be waiting for that very
    // entity, and the entity answers "unknown" by letting the event go.
    public async Task OnExpiredAsync(string taskId, string reason)
    {
        if (!_records.ContainsKey(taskId)) return;
        var now = time.GetUtcNow();
        await ChangeAsync(taskId, r => r is null ? default : TaskLifecycle.Expired(r, reason, now), "the expiry");
    }

    public async Task OnReleasedAsync(string taskId, string entity)
    {
        EventRun run;
        try
        {
            run = await ReleaseHeldAsync(taskId);
        }
        catch (SurgeStoreUnavailableException e)
        {
            LogReleaseNotStored(taskId, entity, e.Message); // still held in its record: upkeep hands it over, the entity answers "released"
            return;
        }
        try
        {
            if (run == EventRun.Ended) await GrainFactory.Entity(entity).OnEventEndedAsync(taskId, _records.GetValueOrDefault(taskId)?.AttemptsBefore ?? 0); // cancelled meanwhile: handled
            else if (run == EventRun.Unknown) await GrainFactory.Entity(entity).WithdrawAsync(taskId);
        }
        catch (Exception e)
        {
            LogEntityNotTold(taskId, entity, e.Message); // the entity asks this shard before anything waits behind it
        }
    }

    // Dispatches an event its entity released; where its run stands then.
    private async Task<EventRun> ReleaseHeldAsync(string taskId)
    {
        if (!_records.TryGetValue(taskId, out var known))
        {
            // Its submission is between its entity's answer and its stored record (the release may even overtake the
            // answer): it runs as soon as it is stored; waiting for that here could wait for this very entity. Anything
            // else unknown the entity lets go.
            if (!_admitting.Contains(taskId)) return EventRun.Unknown;
            _releasedUnstored.Add(taskId);
            return EventRun.Running;
        }
        var released = await ChangeAsync(taskId, r => r is null ? default : TaskLifecycle.Released(r, Target(r.Spec), time.GetUtcNow()), "the release");
        return RunOf(released.Record);
    }

    // A change under way, or a submission that may be stored unbeknown to this activation: not over. "Unknown" and
    // "ended" let the entity move on, so only the shard's current activation may say them: one that another has
    // replaced (left on a silo that was cut off, then declared dead) may not know a task the current one has stored and
    // runs, or know as ended one the current one runs again (a dead letter retried), and the entity would release the
    // next event beside it. An empty write checks the claim; an entity asks only about a run it thinks stale, or before
    // it withdraws an event, so the check is rare.
    public async Task<EventRun> GetRunAsync(string taskId)
    {
        if (RunNow(taskId) is not (EventRun.Unknown or EventRun.Ended) and var run) return run;
        try
        {
            await store.SaveAsync(_claim, []);
        }
        catch (Exception e)
        {
            throw StoreRefused(e, $"where task '{taskId}' stands could not be confirmed", "nothing changed");
        }
        return RunNow(taskId); // what arrived meanwhile
    }

    private EventRun RunNow(string taskId)
        => _gates.IsHeld(taskId) || _maybeStored.ContainsKey(taskId) ? EventRun.Running : RunOf(_records.GetValueOrDefault(taskId));

    // Submissions (cached ones too), cancels and dead-letter retries that failed to store, as far as this activation
    // heard, but may be stored (a write whose answer was lost: a Redis that stalled past its command timeout runs it
    // when it wakes), until the write is taken back (UndoUnstoredAsync for an entity event's submission or retry;
    // TakeBackUnstored, then upkeep, otherwise). An entity still counts such an event meanwhile: were it to let one go
    // while it is stored, the shard's next activation would load and run it beside or after the entity's later events.
    // A task of no entity (Entity null) would run at that load too, though its caller heard that nothing was accepted;
    // a cancelled one would not run, though its caller heard that nothing was cancelled.
    private readonly Dictionary<string, (string? Entity, TaskRecord? Before)> _maybeStored = new(StringComparer.Ordinal);

    // Under the task's gate: takes back a write that may have been stored, under this activation's claim: the record is
    // removed, or <paramref name="before"/> stored again. True when done (the entity may let the event go); false when
    // the store refused, and upkeep tries again.
    private async Task<bool> UndoUnstoredAsync(string taskId, string? entity, TaskRecord? before = null)
    {
        try
        {
            if (before is null) await store.RemoveAsync(_claim, [taskId]);
            else await store.SaveAsync(_claim, [before]);
            _maybeStored.Remove(taskId);
            return true;
        }
        catch (Exception e)
        {
            _maybeStored[taskId] = (entity, before);
            LogUndoFailed(taskId, e.Message);
            if (e is ShardClaimLostException) DeactivateOnIdle(); // a newer activation serves the shard, and loads what is stored
            return false;
        }
    }

    // Under the task's gate: takes back a write that may be stored, without waiting for it (a caller's request that
    // its entity, if any, has not acted on: a submission of no entity, a cancel, a dead-letter retry of no entity).
    // Sent now, it reaches the store before any later write of the task (one connection keeps their order), so a retry
    // stored after it stands; and the caller hears of the refusal without waiting on a store that may be stalled a
    // second time (that would take the answer past the client's response timeout). Upkeep takes it back again, which
    // costs nothing if this one landed, and clears the entry.
    private void TakeBackUnstored(string taskId, TaskRecord? before = null)
    {
        _maybeStored[taskId] = (null, before);
        _ = SendTakeBackAsync(taskId, 1, before is null ? store.RemoveAsync(_claim, [taskId]) : store.SaveAsync(_claim, [before]));
    }

    // The same for a refused removal (a purge): the records are stored again, in one write.
    private void TakeBackUnstored(List<TaskRecord> removed)
    {
        foreach (var record in removed) _maybeStored[record.Id] = (null, record);
        _ = SendTakeBackAsync(removed[0].Id, removed.Count, store.SaveAsync(_claim, removed));
    }

    private async Task SendTakeBackAsync(string taskId, int count, ValueTask sent)
    {
        try
        {
            await sent;
        }
        catch (Exception e)
        {
            LogTakeBackFailed(count, taskId, e.Message); // upkeep tries again
        }
    }

    // Upkeep: each write that may be stored is taken back (then an entity lets its event go), unless a later write of
    // the task was stored since.
    private async Task SettleMaybeStoredAsync()
    {
        foreach (var (taskId, (entity, before)) in _maybeStored.ToList())
        {
            bool undone;
            using (await _gates.EnterAsync(taskId))
            {
                if (!_maybeStored.ContainsKey(taskId)) continue;
                if (_records.TryGetValue(taskId, out var now) && !ReferenceEquals(now, before))
                {
                    _maybeStored.Remove(taskId); // a retry stored it since: its entity was right to keep it
                    continue;
                }
                undone = await UndoUnstoredAsync(taskId, entity, before);
            }
            if (undone && entity is not null) await WithdrawQuietlyAsync(taskId, entity);
        }
    }

    private EventRun RunOf(TaskRecord? record) => TaskLifecycle.RunOf(record, RunAlive(record));

    // Submissions given to their entity and not stored yet, and those of them the entity has released meanwhile:
    // AcceptAsync releases them once stored, instead of their shard's upkeep seconds later.
    private readonly HashSet<string> _admitting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _releasedUnstored = new(StringComparer.Ordinal);

    // A submission's admission: from now until its record is stored, a release from its entity is kept for it. A
    // release kept from an earlier try does not count.
    private async Task<Admission> AdmitUnstoredAsync(TaskSpec spec)
    {
        _admitting.Add(spec.Id);
        _releasedUnstored.Remove(spec.Id);
        try
        {
            return await AdmitAsync(spec, readmit: false);
        }
        catch
        {
            _admitting.Remove(spec.Id);
            _releasedUnstored.Remove(spec.Id);
            throw;
        }
    }

    // An entity event goes to its entity before its record is stored; an entity that cannot store it, or is full,
    // refuses the submission, so nothing is acknowledged that the entity does not have. A dead letter run again goes
    // back with whether its entity released it before (its record counts a dispatch, which only a release allows): its
    // after was handled then, and the entity may have let that name go since.
    // budget: the record's AttemptsBefore (EntityEvent.Budget); a dead letter's retry passes the one it starts.
    private async Task<Admission> AdmitAsync(TaskSpec spec, bool readmit, bool releasedBefore = false, int budget = 0)
    {
        Admission admission;
        try
        {
            var entity = GrainFactory.Entity(spec.Entity!);
            admission = readmit
                ? await entity.ReadmitAsync(EntityEvent.Of(spec) with { ReleasedBefore = releasedBefore, Budget = budget })
                : await entity.AdmitAsync(EntityEvent.Of(spec) with { Budget = budget });
        }
        catch (Exception e) when (e is not SurgeValidationException && !Failovers.Is(e)) // a failover is passed on: the client rides it out
        {
            throw new SurgeStoreUnavailableException(
                $"entity '{spec.Entity}' could not take task '{spec.Id}' ({e.GetBaseException().Message}); nothing was accepted, retry");
        }
        if (admission == Admission.Full)
        {
            throw new SurgeValidationException("entity",
                $"entity '{spec.Entity}' already holds {entities.Value.MaxHeld} events waiting for their predecessors, the limit of {EntityOptions.Section}:MaxHeld; " +
                "submit the events they wait for, or raise the limit");
        }
        return admission;
    }

    private async Task WithdrawQuietlyAsync(string taskId, string entity)
    {
        try
        {
            await GrainFactory.Entity(entity).WithdrawAsync(taskId);
        }
        catch (Exception e)
        {
            LogEntityNotTold(taskId, entity, e.Message); // the entity asks this shard, which does not know the task, and lets it go
        }
    }
}
