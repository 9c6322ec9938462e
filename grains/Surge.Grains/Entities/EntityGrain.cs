using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Tasks;

using Surge.Pools;

namespace Surge.Entities;

/// <summary>
/// Keeps one entity's events in order however they arrive: an event is released only once the one before it has
/// ended (its record is final and no run of it is left), so a "finished" never runs before, or beside, its "started".
/// It never runs anything itself: it tells the released event's shard, which dispatches it with the attempt its
/// record says. Held events fail after the hold limit.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed partial class EntityGrain(
    [PersistentState("entity", SurgeStorage.Entities)] IPersistentState<EntityRecord> record,
    IOptions<EntityOptions> options,
    RecoveryOptions recovery,
    TimeProvider time,
    ILogger<EntityGrain> logger) : Grain, IEntityGrain
{
    private readonly ILogger _logger = logger;
    private readonly TimeSpan _holdLimit = options.Value.HoldLimit;
    private readonly int _maxHeld = options.Value.MaxHeld;
    private IGrainTimer? _expiryTimer;
    private DateTimeOffset _lastCheck;

    // A running event released this long ago is asked after: its end may have been lost with a silo.
    private TimeSpan StaleAfter => recovery.UpkeepPeriod * 2;

    private EntitySequencer Sequencer => new(record.State);

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleExpiry();
        return Task.CompletedTask;
    }

    public Task<Admission> AdmitAsync(EntityEvent e) => TakeAsync(e, readmit: false);

    public Task<Admission> ReadmitAsync(EntityEvent e) => TakeAsync(e, readmit: true);

    public async Task OnEventEndedAsync(string taskId)
    {
        var sequencer = Sequencer;
        if (!sequencer.End(taskId)) return;
        await ReleaseNextAsync(sequencer);
    }

    public async Task WithdrawAsync(string taskId)
    {
        var sequencer = Sequencer;
        if (!sequencer.Withdraw(taskId)) return;
        await ReleaseNextAsync(sequencer);
    }

    private async Task<Admission> TakeAsync(EntityEvent e, bool readmit)
    {
        var sequencer = Sequencer;
        // Every hand-over may settle a stale run: the held successors' shards hand them over again every few seconds,
        // and are what wake an entity whose running event's end was lost.
        if (sequencer.Record.Running?.TaskId != e.TaskId) await SettleStaleRunAsync(sequencer);
        var now = time.GetUtcNow();
        var before = sequencer.Contains(e.TaskId);
        var admission = readmit ? sequencer.Readmit(e, now, _maxHeld) : sequencer.Admit(e, now, _maxHeld);
        if (!before && admission != Admission.Full)
        {
            await SaveAsync(sequencer); // stored before its shard records it, so the shard's record never names an event the entity lost
            ScheduleExpiry();
        }
        return admission;
    }

    // The running event's end may have been lost (its shard's silo died between the final record and telling us):
    // ask its record, at most once per period, before an event waits behind it.
    private async Task SettleStaleRunAsync(EntitySequencer sequencer)
    {
        var now = time.GetUtcNow();
        if (!sequencer.RunningFor(StaleAfter, now) || now - _lastCheck < StaleAfter) return;
        _lastCheck = now;
        var running = sequencer.Record.Running!.TaskId;
        EventRun run;
        try
        {
            run = await GrainFactory.ShardLifecycle(running).GetRunAsync(running);
        }
        catch (Exception e)
        {
            LogShardUnreachable(running, Key, e.Message);
            return;
        }
        var settled = run switch
        {
            EventRun.Ended => sequencer.End(running),
            EventRun.Unknown => sequencer.Withdraw(running),
            _ => false,
        };
        if (!settled) return;
        LogSettled(running, Key, run);
        await ReleaseNextAsync(sequencer);
    }

    // Stores the release first, then tells the released event's shard. If that fails, the event stays released here
    // and its shard's upkeep hands it over again, which answers "released".
    private async Task ReleaseNextAsync(EntitySequencer sequencer)
    {
        while (sequencer.TryRelease(time.GetUtcNow()) is { } next)
        {
            await SaveAsync(sequencer);
            EventRun run;
            try
            {
                run = await GrainFactory.ShardLifecycle(next.TaskId).OnReleasedAsync(next.TaskId);
            }
            catch (Exception e)
            {
                LogShardUnreachable(next.TaskId, Key, e.Message);
                return;
            }
            if (run is EventRun.Running or EventRun.Held) return;
            if (run == EventRun.Ended) sequencer.End(next.TaskId); // cancelled meanwhile: handled, and the next may go
            else sequencer.Withdraw(next.TaskId);
        }
        await SaveAsync(sequencer);
        ScheduleExpiry();
        if (sequencer.IsIdle) DeactivateOnIdle(); // a quiet entity holds no memory
    }

    // An entity with nothing held, running or remembered leaves no state behind; one that remembers handled events
    // keeps them (a later "after" may need them) until the storage's expiry.
    private async Task SaveAsync(EntitySequencer sequencer)
    {
        try
        {
            if (sequencer.IsEmpty) await record.ClearStateAsync();
            else await record.WriteStateAsync();
        }
        catch
        {
            // Memory now differs from storage (Redis away, or a stale copy after a failover): start again from storage.
            // The events' shards hand over whatever the stored state lacks.
            DeactivateOnIdle();
            throw;
        }
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
        var expired = sequencer.Expire(time.GetUtcNow(), _holdLimit, Key);
        if (expired.Count > 0)
        {
            await SaveAsync(sequencer);
            foreach (var (taskId, reason) in expired)
            {
                LogExpired(taskId, Key, reason);
                try
                {
                    await GrainFactory.ShardLifecycle(taskId).OnExpiredAsync(taskId, reason);
                }
                catch (Exception e)
                {
                    LogShardUnreachable(taskId, Key, e.Message); // still held in its record: upkeep hands it back, and it waits again
                }
            }
            if (sequencer.IsIdle) DeactivateOnIdle();
        }
        ScheduleExpiry();
    }
}
