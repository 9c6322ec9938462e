using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Surge.Entities;
using Surge.Policies;
using Surge.Pools;
using Surge.Routing;
using Surge.Workers;

namespace Surge.Tasks;

/// <summary>
/// The records of one shard of task ids. Every change is decided by the pure <see cref="TaskLifecycle"/>, stored
/// through the shard's journal, and only then made visible (the in-memory record, waiters) and carried out (dispatch,
/// entity, timers). Reentrant, so a shard serves many tasks while one waits for storage; changes to one task are
/// serialized by that task's gate, so a duplicate submission waits for the first one's outcome.
/// </summary>
[Reentrant]
[KeepAlive]
[ShardPlacement]
internal sealed partial class TaskShardGrain(
    ITaskStore store,
    HandlerRegistry handlers,
    IOptions<WorkerOptions> workers,
    IOptions<TaskOptions> options,
    IOptions<TaskPoliciesOptions> policies,
    IOptions<EntityOptions> entities,
    SiloTaskDigest digests,
    ShardMoves moves,
    DrainingSilos draining,
    Series.SojournWindow sojourns,
    ResultCache cache,
    DispatchOutbox outbox,
    PoolRunner pools,
    PoolHosts hosts,
    TaskRouter router,
    RecoveryOptions recovery,
    DrainSignal drain,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<TaskShardGrain> logger) : Grain, ITaskShardGrain, ITaskShardLifecycle, ISystemTaskShard
{
    private readonly ILogger _logger = logger;
    private readonly Dictionary<string, TaskRecord> _records = new(StringComparer.Ordinal); // stored records only
    private readonly Dictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private int _shard;
    private ShardClaim _claim;
    private GroupCommit<TaskRecord> _journal = null!;
    private long _activatedAt; // a shard with a backlog stays a while before it moves again (ShardMoveRule.MinStay)

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _shard = (int)this.GetPrimaryKeyLong();
        if (LeavesDrainingSilo()) return;
        _activatedAt = time.GetTimestamp();
        _journal = new GroupCommit<TaskRecord>(SaveAsync);
        IReadOnlyCollection<TaskRecord> stored;
        try
        {
            _claim = await store.ClaimAsync(_shard); // before the load: what we read is all an earlier activation can ever have stored
            stored = await store.LoadAsync(_shard);
        }
        catch (Exception e)
        {
            moves.StoreRefused();
            // The caller sees a retryable error it can deserialize, not the store client's own exception type.
            throw new SurgeStoreUnavailableException($"the task store could not load shard {_shard} ({e.GetBaseException().Message}); nothing was accepted, retry");
        }
        foreach (var record in stored)
        {
            Put(record, publish: false);
            if (TaskLifecycle.UnsureAfterActivation(record, Here) is { } sentTo) _unsure[record.Id] = sentTo; // asked at the first upkeep
        }
        try
        {
            await RecoverAsync(activating: true);
        }
        catch
        {
            WithdrawDigest(); // what recovery published: this activation never served
            throw;
        }
        PublishDigest(); // also when empty: this silo counts the shard as active here
        var sweep = TimeSpan.FromTicks(Math.Clamp(options.Value.Retention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        this.RegisterGrainTimer(EvictExpiredAsync, sweep, sweep);
        this.RegisterGrainTimer(UpkeepAsync, recovery.UpkeepPeriod, recovery.UpkeepPeriod);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Callers waiting here get the current state and ask again, by then of the shard's next activation.
        foreach (var waiter in _waiters.Values) waiter.TrySetResult();
        _waiters.Clear();
        WithdrawDigest(); // its next activation, here or elsewhere, publishes its own
        if (reason.ReasonCode == DeactivationReasonCode.Migrating) await HandOffAsync(cancellationToken);
    }

    public Task<TaskStatus> SubmitAsync(TaskSpec spec) => SubmitAsync(spec, system: false);

    public Task<TaskStatus> SubmitAndWaitAsync(TaskSpec spec, TimeSpan maxWait) => SubmitAndWaitAsync(spec, maxWait, system: false);

    Task<TaskStatus> ISystemTaskShard.SubmitSystemAsync(TaskSpec spec) => SubmitAsync(spec, system: true);

    Task<TaskStatus> ISystemTaskShard.SubmitSystemAndWaitAsync(TaskSpec spec, TimeSpan maxWait) => SubmitAndWaitAsync(spec, maxWait, system: true);

    // A client's submission (system: false) may not use a reserved id or carry a wave's Flow, even for an id already
    // recorded: the refusal does not depend on whether the schedule or wave got there first.
    private async Task<TaskStatus> SubmitAsync(TaskSpec spec, bool system)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = spec.Id ?? ""; // a deserialized spec may carry a null id; validation names it
        if (!system) TaskValidator.RefuseSystemOnly(spec);
        if (_records.TryGetValue(id, out var existing)) return existing.ToStatus(); // the first submission stands
        TaskValidator.ValidateSystemTask(spec, new TaskLimits(workers.Value.MaxPayloadBytes, options.Value.MaxTimeout));
        if (TaskShards.For(id) != _shard)
            throw new SurgeValidationException("id", $"'{id}' belongs to shard {TaskShards.For(id)}, not {_shard}; submit through ISurgeClient");
        handlers.Validate(spec);
        return (await AcceptAsync(spec)).ToStatus();
    }

    private async Task<TaskStatus> SubmitAndWaitAsync(TaskSpec spec, TimeSpan maxWait, bool system)
    {
        var submitted = await SubmitAsync(spec, system);
        return submitted.IsFinal ? submitted : await WaitAsync(submitted.Id, maxWait) ?? submitted;
    }

    // Whatever a caller asks for: a wait past Task.WaitAsync's range (about 49.7 days) would throw after the task was
    // recorded, and every wait holds a timer and a waiter until it ends; callers loop for longer.
    internal static TimeSpan BoundWait(TimeSpan maxWait)
        => maxWait < TimeSpan.Zero ? TimeSpan.Zero : maxWait > TaskShards.MaxWait ? TaskShards.MaxWait : maxWait;

    public Task<TaskStatus[]> GetHeldAsync(int max)
        => Task.FromResult(_records.Values.Where(r => r.State == TaskState.Held).OrderBy(r => r.SubmittedAt)
            .Take(Math.Clamp(max, 0, 1_000)).Select(r => r.ToStatus()).ToArray());

    public Task<TaskStatus?> GetStatusAsync(string taskId)
        => Task.FromResult(_records.TryGetValue(taskId, out var record) ? record.ToStatus() : null);

    public async Task<TaskStatus?> WaitAsync(string taskId, TimeSpan maxWait)
    {
        if (!_records.TryGetValue(taskId, out var record)) return null;
        maxWait = BoundWait(maxWait);
        if (!record.State.IsFinal() && maxWait > TimeSpan.Zero && !_moving) // moving: see MoveIfMisplacedAsync
        {
            if (!_waiters.TryGetValue(taskId, out var waiter))
                _waiters[taskId] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await waiter.Task.WaitAsync(maxWait, time, drain.Drained);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Not final yet, or this silo is stopping: the caller sees the current state and asks again.
            }
        }
        return _records.TryGetValue(taskId, out record) ? record.ToStatus() : null;
    }

    // Under the task's gate, so a duplicate waits for this outcome. An entity event is admitted by its entity first:
    // a full entity refuses it before anything is stored, and the stored record never names an event its entity lacks.
    private async Task<TaskRecord> AcceptAsync(TaskSpec spec)
    {
        TaskRecord? accepted = null;
        var undo = false;
        var released = false;
        using (var gate = await _gates.EnterAsync(spec.Id))
        {
            if (_records.TryGetValue(spec.Id, out var existing)) return existing; // submitted while we waited
            var now = time.GetUtcNow();
            if (await FromCacheAsync(spec) is { } hit)
            {
                try
                {
                    return await CommitAsync(TaskLifecycle.SubmitCached(null, spec, now, hit), "the submission");
                }
                catch (SurgeStoreUnavailableException)
                {
                    TakeBackUnstored(spec.Id); // as for a submission that runs: its caller heard that nothing was accepted
                    throw;
                }
            }
            var held = false;
            if (spec.Entity is not null)
            {
                var admission = await AdmitUnstoredAsync(spec);
                // Released again before its answer came: it runs at once, stored once.
                held = admission == Admission.Held && !_releasedUnstored.Remove(spec.Id);
            }
            try
            {
                accepted = await CommitAsync(TaskLifecycle.Submit(null, spec, now, held ? null : Target(spec), held), "the submission");
                _maybeStored.Remove(spec.Id); // a retry stored it: its entity was right to keep it
            }
            catch (SurgeStoreUnavailableException)
            {
                undo = true; // the write may be stored all the same (its answer lost): taken back, as the caller heard nothing was accepted
                throw;
            }
            finally
            {
                _admitting.Remove(spec.Id);
                released = _releasedUnstored.Remove(spec.Id) && !undo;
                // Under the gate: a retry of it cannot slip in between. An entity lets the event go once it is taken back.
                var withdraw = undo && spec.Entity is not null && await UndoUnstoredAsync(spec.Id, spec.Entity);
                if (undo && spec.Entity is null) TakeBackUnstored(spec.Id);
                gate.Dispose();
                if (withdraw) await WithdrawQuietlyAsync(spec.Id, spec.Entity!); // after the gate: the entity may be asking about this very task
            }
        }
        if (released) await ReleaseStoredAsync(spec.Id);
        return _records.GetValueOrDefault(spec.Id) ?? accepted!;
    }

    // Its entity released it while its record was being stored. If the release cannot be stored, the shard's upkeep
    // hands the event over again, and the entity answers "released".
    private async Task ReleaseStoredAsync(string taskId)
    {
        try
        {
            await ReleaseHeldAsync(taskId);
        }
        catch (SurgeStoreUnavailableException)
        {
        }
    }
}
