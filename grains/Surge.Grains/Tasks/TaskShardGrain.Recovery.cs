namespace Surge.Tasks;

// Cluster mode: what a shard does for work whose silo is gone, for a store that was away, and for a silo that joined.
internal sealed partial class TaskShardGrain
{
    // This shard lived on a silo that is gone: what it had not finished runs again (at least once; the first final
    // outcome is still the one kept). Entity events are their entities' to run: upkeep hands them over again.
    private void Recover()
    {
        // Retrying tasks wait for their time (ArmRetries), as they would have on the silo that died.
        var unfinished = _records.Values.Where(r => !r.State.IsFinal() && r.State != TaskState.Retrying && r.Spec.Entity is null).ToList();
        foreach (var record in unfinished)
        {
            var decision = dispatcher.Dispatch(record.Spec, Math.Max(record.Attempts, 1) + 1); // it may have run once already
            _records[record.Id] = record with { State = TaskState.Queued, Pool = decision.Pool, PredictedMs = decision.PredictedMs };
        }
        if (unfinished.Count > 0) LogRecovered(_shard, unfinished.Count);
    }

    // Writes what the store missed, and hands unfinished entity events to their entities again: if an entity's silo
    // died, the call activates it elsewhere and it runs its running event again; if a hand-over failed, this one lands.
    private async Task UpkeepAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _unsaved.ToList())
        {
            if (!_records.TryGetValue(id, out var record)) { _unsaved.Remove(id); continue; }
            try
            {
                await store.SaveAsync(_shard, [record]);
                _unsaved.Remove(id);
            }
            catch (Exception)
            {
                return; // still down: next upkeep
            }
        }
        if (!recovery.RedispatchOnActivation) return;
        MoveIfMisplaced();
        var stale = time.GetUtcNow() - recovery.UpkeepPeriod;
        var owed = _records.Values.Where(r => r.Spec.Entity is not null && !r.State.IsFinal() && r.State != TaskState.Retrying && r.SubmittedAt < stale).ToList();
        await Task.WhenAll(owed.Select(r => HandToEntityAsync(r.Spec)));
    }

    // A silo joined since this shard was placed: move to where placement now puts it, once nothing here is
    // unfinished (its next activation would run that again) and the store has everything.
    private void MoveIfMisplaced()
    {
        if (_unsaved.Count > 0 || _records.Values.Any(r => !r.State.IsFinal())) return;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        if (ShardPlacement.Pick(_shard, active) is { } home && !home.Equals(silo.SiloAddress))
        {
            LogMoving(_shard, home.ToString());
            this.MigrateOnIdle();
        }
    }
}
