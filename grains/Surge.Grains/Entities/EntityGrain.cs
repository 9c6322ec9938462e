using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Routing;
using Surge.Tasks;

namespace Surge.Entities;

/// <summary>
/// Keeps one entity's events in order however they arrive: the running event must finish before the next is
/// released, so a "finished" never runs before its "started", on any silo. Held events fail after the hold limit.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed partial class EntityGrain(
    [PersistentState("entity", SurgeStorage.Name)] IPersistentState<EntityRecord> record,
    IOptions<EntityOptions> options,
    TaskDispatcher dispatcher,
    RecoveryOptions recovery,
    TimeProvider time,
    ILogger<EntityGrain> logger) : Grain, IEntityGrain
{
    private readonly ILogger _logger = logger;
    private readonly TimeSpan _holdLimit = options.Value.HoldLimit;
    private IGrainTimer? _expiryTimer;

    private EntitySequencer Sequencer => new(record.State);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The silo that ran this entity's event is gone: run it again (at least once), or the entity stays blocked.
        if (recovery.RedispatchOnActivation && record.State.Running is { } running) dispatcher.Dispatch(running, attempt: 2);
        ScheduleExpiry();
        return Task.CompletedTask;
    }

    public async Task<bool> EnqueueAsync(TaskSpec spec)
    {
        var sequencer = Sequencer;
        if (sequencer.Contains(spec.Id))
        {
            if (sequencer.Record.Running?.Id != spec.Id) return false;
            // Handed over again by its shard, which has not seen it finish: if this silo no longer holds the run, the
            // run or its report was lost in a failover. Run it again (at least once; the first result is kept).
            if (recovery.RedispatchOnActivation && !dispatcher.Holds(spec.Id))
            {
                LogRunLost(spec.Id, this.GetPrimaryKeyString());
                dispatcher.Dispatch(spec, attempt: 2);
            }
            return true;
        }
        sequencer.Add(spec, time.GetUtcNow());
        var released = await ReleaseNextAsync(sequencer);
        ScheduleExpiry();
        return released?.Id == spec.Id;
    }

    public async Task OnEventFinishedAsync(string taskId)
    {
        var sequencer = Sequencer;
        if (!sequencer.Finish(taskId) && !sequencer.Drop(taskId)) return;
        await ReleaseNextAsync(sequencer);
        if (sequencer.IsIdle) DeactivateOnIdle(); // a finished entity holds no memory
    }

    public Task RetryAsync(TaskSpec spec, int attempt)
    {
        if (Sequencer.Record.Running?.Id == spec.Id) dispatcher.Dispatch(spec, attempt);
        return Task.CompletedTask;
    }

    public Task<HeldEvent[]> GetHeldAsync() => Task.FromResult(record.State.Pending.ToArray());

    // Persist before dispatch: a crash between the two re-releases the event rather than losing it.
    private async Task<TaskSpec?> ReleaseNextAsync(EntitySequencer sequencer)
    {
        var next = sequencer.TryRelease();
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            // Memory now differs from storage (Redis away, or a stale copy after a failover): start again from storage.
            // Nothing is lost: the events' shards hand over whatever the stored state lacks.
            DeactivateOnIdle();
            throw;
        }
        if (next is not null) dispatcher.Dispatch(next, attempt: 1);
        return next;
    }

    private void ScheduleExpiry()
    {
        if (Sequencer.NextExpiry(_holdLimit) is not { } due)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
            return;
        }
        var delay = due - time.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (_expiryTimer is null) _expiryTimer = this.RegisterGrainTimer(ExpireAsync, delay, Timeout.InfiniteTimeSpan);
        else _expiryTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var sequencer = Sequencer;
        var expired = sequencer.Expire(time.GetUtcNow(), _holdLimit);
        if (expired.Count > 0)
        {
            await record.WriteStateAsync(cancellationToken);
            foreach (var (spec, reason) in expired)
            {
                LogExpired(spec.Id, this.GetPrimaryKeyString(), reason);
                await GrainFactory.ShardLifecycle(spec.Id).OnExpiredAsync(spec.Id, reason);
            }
        }
        ScheduleExpiry();
    }
}
