namespace Surge.Tasks;

// Cluster mode: what a shard does for work whose silo is gone, for entity events whose hand-over failed, and for a
// silo that joined.
internal sealed partial class TaskShardGrain
{
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
        if (recovery.RedispatchOnActivation) MoveIfMisplaced();
    }

    private async Task HandOverAsync(TaskRecord record)
    {
        try
        {
            var admission = await AdmitAsync(record.Spec, readmit: record.AttemptsBefore > 0, releasedBefore: record.Attempts > 0);
            if (admission != Entities.Admission.Released) return;
            await ChangeAsync(record.Id, r => r is null ? default : TaskLifecycle.Released(r, Target(r.Spec), time.GetUtcNow()), "the release");
        }
        catch (Exception e)
        {
            LogEntityUnreachable(record.Id, record.Spec.Entity!, e.Message); // next upkeep
        }
    }

    // A silo joined since this shard was placed: move to where placement now puts it, once nothing here is unfinished
    // or running (its next activation would run that again) and no change is under way.
    private void MoveIfMisplaced()
    {
        if (_gates.Count > 0 || _open.Count > 0) return;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        if (ShardPlacement.Pick(_shard, active) is { } home && !home.Equals(silo.SiloAddress))
        {
            LogMoving(_shard, home.ToString());
            this.MigrateOnIdle();
        }
    }
}
