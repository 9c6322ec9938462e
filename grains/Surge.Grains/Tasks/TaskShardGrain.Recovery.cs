using Surge.Pools;

namespace Surge.Tasks;

// Cluster mode: what a shard does for work whose silo is gone, for entity events whose hand-over failed, and for a
// silo that joined.
internal sealed partial class TaskShardGrain
{
    private bool _moving; // MoveIfMisplaced has started this activation's move: waits answer at once

    // On activation, and at every upkeep in cluster mode: a task whose dispatch this activation did not make, or whose
    // silo may be gone. A run whose silo is alive reports here (a shard that moved); one whose silo died runs again,
    // counted as a crash recovery (poison past Surge:Tasks:MaxCrashRecoveries); one handed back before it started
    // runs again uncounted. In one process records and executor live and die together: only retry timers are armed.
    private async Task RecoverAsync(bool activating)
    {
        var now = time.GetUtcNow();
        var max = options.Value.MaxCrashRecoveries;
        // Oldest first: a scan of every record found them in about that order.
        var candidates = _open.Select(id => _records[id]).Where(r => TaskLifecycle.MayNeedRecovery(r) && !_gates.IsHeld(r.Id)
            && (r.State == TaskState.Retrying ? activating : recovery.RedispatchOnActivation && !RunAlive(r)))
            .OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        if (!activating && pools.IsDraining) return; // what this silo dispatches now is handed back at once
        foreach (var record in candidates)
        {
            await ChangeAsync(record.Id, r => r is null ? default : TaskLifecycle.Recover(r, max, Target(r.Spec), now, RunAlive(r)), "the recovery");
        }
    }

    // Hands held entity events to their entities again: a hand-over or a release that failed lands now (the entity
    // answers an event it has as it stands). Then moves, if a silo joined that placement now prefers.
    private async Task UpkeepAsync(CancellationToken cancellationToken)
    {
        var stale = time.GetUtcNow() - recovery.UpkeepPeriod;
        // The digest keeps held events oldest first: only the stale ones are looked at.
        var held = Digest.Held.TakeWhile(r => r.SubmittedAt < stale).Where(r => r.Spec.Entity is not null).ToList();
        await Task.WhenAll(held.Select(HandOverAsync));
        await SettleMaybeStoredAsync();
        await ProbeUnsureAsync();
        try
        {
            await RecoverAsync(activating: false);
        }
        catch (SurgeStoreUnavailableException)
        {
            // Next upkeep.
        }
        if (recovery.RedispatchOnActivation) await MoveIfMisplacedAsync();
    }

    private async Task HandOverAsync(TaskRecord record)
    {
        try
        {
            var admission = await AdmitAsync(record.Spec, readmit: record.AttemptsBefore > 0, releasedBefore: record.Attempts > 0, budget: record.AttemptsBefore);
            if (admission != Entities.Admission.Released) return;
            await ChangeAsync(record.Id, r => r is null ? default : TaskLifecycle.Released(r, Target(r.Spec), time.GetUtcNow()), "the release");
        }
        catch (Exception e)
        {
            LogEntityUnreachable(record.Id, record.Spec.Entity!, e.Message); // next upkeep
        }
    }

    // A silo joined since this shard was placed (or came back after a kill): move to where placement now puts it, backlog
    // and all, or the silo that took a dead one's shards works off their backlog alone while the new one runs nothing.
    // The shard's tasks still queued in this silo's pools are handed back, reported never started to the shard where it
    // lands, which dispatches them there; what runs here goes on and reports to it there (it asks this silo whether it
    // holds them, as after any move). Not while a change is under way (its gate would be cut short), a dispatch is on its
    // way (it could land here after the shard dispatched it again there), or a submission may be stored unbeknown (its
    // take-back is this activation's to send); nor from a draining silo, which hands everything back anyway, nor to one
    // (it would move again within a minute). When, gently, is ShardMoveRule's to say: not while the store refuses, and
    // with a backlog only once the target has been active a while and the shard has stayed here a while.
    private async Task MoveIfMisplacedAsync()
    {
        // Still here at a later upkeep: a move asked for then fell through (Orleans drops it when placement picks this
        // silo, as it may before a joined silo's grain types are known), so waits may block again, unless it is asked again.
        _moving = false;
        var active = ActiveSilos();
        if (!MayStartMove() || PreferredSilo(active) is not { } home) return;
        var backlog = _open.Count > 0;
        var targetActiveFor = moves.ActiveFor(home, active);
        if (backlog ? !ShardMoveRule.MayMoveBacklog(_shard, targetActiveFor, time.GetElapsedTime(_activatedAt), moves.SinceStoreRefused)
            : !ShardMoveRule.StoreQuiet(moves.SinceStoreRefused)) return;
        // Unknown (no answer, or a silo of an earlier version): a backlog stays, an idle shard moves as it always did.
        var draining = await TargetDrainsAsync(home);
        if (draining == true || (backlog && draining is null)) return;
        // The question let other calls in: what held the move back may have started meanwhile.
        if (!MayStartMove() || !home.Equals(PreferredSilo(ActiveSilos())) || (_open.Count > 0) != backlog) return;
        var queued = _open.Where(id => _records[id] is { State: TaskState.Queued } r && r.RanOn == Here).ToHashSet(StringComparer.Ordinal);
        // Waiters hear the state now and ask again, by then of the next activation: deactivation waits for every call
        // in progress, and a wait could hold it for as long as its caller asked.
        _moving = true;
        foreach (var waiter in _waiters.Values) waiter.TrySetResult();
        _waiters.Clear();
        // Queued, not done: Orleans deactivates once the calls in progress end; a call arriving meanwhile may still start here.
        this.MigrateOnIdle();
        var handedBack = queued.Count > 0 ? pools.HandBack(queued) : 0;
        LogMoving(_shard, home.ToString(), _open.Count, handedBack, targetActiveFor.TotalSeconds);
    }

    // Activated on a silo that drains though placement leaves it out (ShardHomes.InsteadOfDrainingSilo): serves nothing here.
    private bool LeavesDrainingSilo()
    {
        if (ShardHomes.InsteadOfDrainingSilo(_shard, silo.SiloAddress, draining, membership.CurrentSnapshot) is not { } home) return false;
        LogLeavingDrainingSilo(_shard, home.ToString());
        this.DeactivateOnIdle();
        return true;
    }

    private bool MayStartMove() => _gates.Count == 0 && _sent.Count == 0 && _maybeStored.Count == 0 && !pools.IsDraining;

    // Where placement puts this shard now, when that is another silo (ShardPlacementDirector picks the same of the same
    // active silos, less those it heard drain, so the move lands there). A shard that failed over while a silo drained
    // was placed without it: leaving it out here too keeps the shard where it is, instead of asking the draining silo
    // at every upkeep.
    private SiloAddress? PreferredSilo(IReadOnlySet<SiloAddress> active)
        => ShardHomes.Elsewhere(_shard, silo.SiloAddress, active, draining, membership.CurrentSnapshot);

    private HashSet<SiloAddress> ActiveSilos() => ShardHomes.Active(membership.CurrentSnapshot);

    // A silo drains (SIGTERM) before Orleans marks it shutting down, so membership still calls it active: it is asked,
    // though it tells every silo as it starts (DrainingSilos), since that notice is best effort and may have been lost.
    // Null when it does not answer in time, or does not know the question (an earlier version).
    private async Task<bool?> TargetDrainsAsync(SiloAddress target)
    {
        try
        {
            return await GrainFactory.GetGrain<IPoolControl>(target.ToParsableString()).IsDrainingAsync().WaitAsync(DrainQuestionTimeout, time);
        }
        catch (Exception e)
        {
            LogDrainQuestionFailed(_shard, target.ToString(), e.Message);
            return null;
        }
    }

    private static readonly TimeSpan DrainQuestionTimeout = TimeSpan.FromSeconds(2);

    // Moving to another silo: the shard's dispatches still on their way land first (the next activation asks the pools
    // whether they hold them, and one that landed after that answer would run beside its dispatch there), and the
    // starts reported meanwhile are stored, so the next activation shows those tasks Running.
    private async Task HandOffAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_sent.Count > 0) await Task.WhenAll(_sent.Keys).WaitAsync(cancellationToken);
        }
        catch (Exception)
        {
            // Failed or timed out: the next activation asks the silo, as it does after a crash.
        }
        await StoreStartsAsync(cancellationToken);
    }
}
