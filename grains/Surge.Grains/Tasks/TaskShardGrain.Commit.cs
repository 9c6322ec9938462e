using Surge.Entities;
using Surge.Pools;
using Surge.Routing;
using Surge.Telemetry;

namespace Surge.Tasks;

// How a decision becomes real: under the task's gate, store the new record, then make it visible and carry out the
// shard's own effects; after the gate, tell other grains (which may call back about this very task).
internal sealed partial class TaskShardGrain
{
    private readonly KeyGates _gates = new(); // one change of a task at a time
    private string? _here;

    /// <summary>This silo, as dispatches name it in <see cref="TaskRecord.RanOn"/>.</summary>
    private string Here => _here ??= silo.SiloAddress.ToParsableString();

    /// <summary>
    /// Decides a change of one task with <paramref name="decide"/> (given its stored record, or null), stores it and
    /// carries out its effects. <paramref name="committed"/> runs under the gate once the change is stored. Throws
    /// <see cref="SurgeStoreUnavailableException"/> when the store refuses: the record stays as it was. With
    /// <paramref name="takeBack"/> (a caller's request, whose caller then hears that nothing changed), a refused write is
    /// also taken back in the store, which may run it all the same (its answer lost): see <see cref="TakeBackUnstored(string, TaskRecord?)"/>.
    /// Other changes need not: what reports them (an executor, upkeep) tries again until one is stored.
    /// </summary>
    private async Task<Transition> ChangeAsync(string taskId, Func<TaskRecord?, Transition> decide, string what,
        Action? committed = null, bool takeBack = false)
    {
        Transition transition;
        using (await _gates.EnterAsync(taskId))
        {
            var current = _records.GetValueOrDefault(taskId);
            transition = decide(current);
            if (transition.Refusal is { } refusal) throw refusal;
            if (transition.Record is null)
            {
                committed?.Invoke();
                return transition;
            }
            try
            {
                await CommitAsync(transition, what, current);
            }
            catch (SurgeStoreUnavailableException) when (takeBack && current is not null)
            {
                TakeBackUnstored(taskId, current); // under the gate, before any later write of the task
                throw;
            }
            committed?.Invoke();
        }
        await TellOthersAsync(transition);
        return transition;
    }

    // Under the gate: the store first; only then memory, waiters, dispatch and timers.
    private async Task<TaskRecord> CommitAsync(Transition transition, string what, TaskRecord? current = null)
    {
        var record = transition.Record!;
        if (!ReferenceEquals(record, current))
        {
            try
            {
                await _journal.WriteAsync(record);
            }
            catch (Exception e)
            {
                throw StoreRefused(e, $"the task store could not record {what} of task '{record.Id}'", "nothing changed");
            }
            Put(record);
        }
        ApplyOwnEffects(record, transition.Effects);
        return record;
    }

    // The journal's writes. A failure other than a lost claim (Redis refused or timed out) holds this silo's shard moves
    // for a while (ShardMoveRule): a shard moving now could not load where it lands.
    private async ValueTask SaveAsync(IReadOnlyList<TaskRecord> records)
    {
        try
        {
            await store.SaveAsync(_claim, records);
        }
        catch (Exception e) when (e is not ShardClaimLostException)
        {
            moves.StoreRefused();
            throw;
        }
    }

    // What a caller hears of a refused write: retry. A lost claim also ends this activation, whose view is stale: the
    // retry reaches the one that replaced it.
    private SurgeStoreUnavailableException StoreRefused(Exception e, string what, string outcome)
    {
        if (e is ShardClaimLostException lost)
        {
            LogClaimLost(_shard, lost.Claim.Epoch);
            DeactivateOnIdle();
            return new SurgeStoreUnavailableException($"{what}: shard {_shard} is served by a newer activation now; {outcome}, retry");
        }
        return new SurgeStoreUnavailableException($"{what} ({e.GetBaseException().Message}); {outcome}, retry");
    }

    private void ApplyOwnEffects(TaskRecord record, TaskEffects effects)
    {
        if (effects == TaskEffects.None) return;
        var id = record.Id;
        if ((effects & TaskEffects.DisarmRetry) != 0) DisarmRetry(id);
        if ((effects & TaskEffects.CancelRun) != 0 && record.RanOn == Here) pools.Cancel(id, CancelledDispatch(record)); // it reports once its run has ended (one still in flight: see FlushAsync)
        if ((effects & TaskEffects.Dispatch) != 0) Dispatch(record);
        else _routes.Remove(id); // routed to find a silo, and not dispatched after all
        if ((effects & TaskEffects.ArmRetry) != 0) ArmRetry(id, (record.NextAttemptAt ?? time.GetUtcNow()) - time.GetUtcNow());
        if ((effects & TaskEffects.WakeWaiters) != 0)
        {
            if (record.State.IsFinal()) RecordSojourn(record);
            if (_waiters.Remove(id, out var waiter)) waiter.TrySetResult();
        }
        if ((effects & TaskEffects.CountRetry) != 0)
        {
            SurgeMeter.Retries.Add(1, new KeyValuePair<string, object?>("type", record.Spec.Type));
            LogRetrying(id, record.Attempts, record.Error, record.Attempts + 1, (record.NextAttemptAt ?? time.GetUtcNow()) - time.GetUtcNow());
        }
        if ((effects & TaskEffects.CountDeadLetter) != 0)
        {
            SurgeMeter.DeadLetters.Add(1, new KeyValuePair<string, object?>("type", record.Spec.Type));
            LogDeadLettered(id, record.Spec.Type, record.Attempts, record.Error);
        }
        if ((effects & TaskEffects.CountPoison) != 0) SurgeMeter.Poisoned.Add(1, new KeyValuePair<string, object?>("type", record.Spec.Type));
        if ((effects & TaskEffects.CountRecovery) != 0) LogRecovered(id, _shard, record.Attempts, record.Recoveries);
    }

    // After the gate: the entity may call this shard about this task while we call it.
    private async Task TellOthersAsync(Transition transition)
    {
        var record = transition.Record!;
        if (transition.Has(TaskEffects.CancelRun) && record.RanOn is { } remote && remote != Here)
            await CancelRemoteRunAsync(record, remote); // a run of a dispatch this activation did not make
        if ((transition.Effects & (TaskEffects.EndInEntity | TaskEffects.DropFromEntity)) == 0 || record.Spec.Entity is not { } entity) return;
        try
        {
            await GrainFactory.Entity(entity).OnEventEndedAsync(record.Id, record.AttemptsBefore);
        }
        catch (Exception e)
        {
            // The entity asks this record before it lets a later event wait behind this one (its stale-run check).
            LogEntityNotTold(record.Id, entity, e.Message);
        }
    }

    private void RecordSojourn(TaskRecord record)
    {
        var seconds = (record.FinishedAt ?? time.GetUtcNow()).Subtract(record.SubmittedAt).TotalSeconds;
        SurgeMeter.SojournDuration.Record(seconds,
            new KeyValuePair<string, object?>("pool", record.FromCache ? "cache" : record.Pool?.Name() ?? "none"),
            new KeyValuePair<string, object?>("type", record.Spec.Type));
        if (!record.FromCache && record.Pool is { } pool) sojourns.Record(pool, seconds, Random.Shared.NextDouble()); // the status page's charts
    }

    /// <summary>
    /// Whether the task's current dispatch may still run or report: it is in this silo's executor, or the silo that
    /// holds it (a shard that came back here did not make it) is alive. A dead silo's runs died with it.
    /// </summary>
    private bool RunAlive(TaskRecord? record)
    {
        if (record?.RanOn is not { } ranOn) return false;
        if (ranOn == Here) return _inFlight.ContainsKey(record.Id) || pools.IsActive(record.Id);
        // Sent by this activation to a silo that hosts its pool (silo groups): alive on its way; not once that silo said
        // it does not hold it; while unsure (its batch failed, unasked yet), alive as long as that silo is.
        if (_inFlight.ContainsKey(record.Id)) return true;
        if (_undelivered.Contains(record.Id)) return false;
        var status = membership.CurrentSnapshot.Members.Values.FirstOrDefault(m => m.SiloAddress.ToParsableString() == ranOn)?.Status;
        return status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.Created or SiloStatus.ShuttingDown or SiloStatus.Stopping;
    }

    // The dispatch a cancel stops wherever it is: queued, running, or still on its way to the pools, where it would
    // arrive after the cancel and start (a cancelled task never starts), so that attempt is barred there too.
    private static DispatchProbe CancelledDispatch(TaskRecord record) => new(record.Id, record.Attempts, record.SubmittedAt);

    private async Task CancelRemoteRunAsync(TaskRecord record, string silo)
    {
        var control = GrainFactory.GetGrain<IPoolControl>(silo);
        try
        {
            try
            {
                await control.CancelDispatchAsync(CancelledDispatch(record));
            }
            catch (Exception e) when (e is not (TimeoutException or SiloUnavailableException or OrleansMessageRejectionException))
            {
                await control.CancelAsync(record.Id); // a silo of an earlier version (a rolling upgrade) knows only this
            }
        }
        catch (Exception e)
        {
            LogCancelUnreachable(record.Id, silo, e.Message); // the record is Cancelled; the run's outcome is dropped when it comes
        }
    }
}
