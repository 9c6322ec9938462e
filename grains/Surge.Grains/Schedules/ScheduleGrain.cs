using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Tasks;
using Surge.Workers;

namespace Surge.Schedules;

[GenerateSerializer]
internal sealed class ScheduleState
{
    [Id(0)] public ScheduleSpec? Spec { get; set; }
    /// <summary>The last instant submitted; instants up to it never fire again.</summary>
    [Id(1)] public DateTimeOffset? LastFired { get; set; }
    /// <summary>Paused by an operator: nothing is submitted until it is resumed.</summary>
    [Id(2)] public bool Paused { get; set; }
}

/// <summary>
/// One schedule. A grain timer fires at each instant. Silos wake it as they start and every 10 s after
/// (<see cref="ScheduleKeeper"/>), and a reminder every minute, so a schedule whose silo died resumes on another within
/// seconds, and within a minute even without the keepers. Each instant's task id is derived from the instant, so even
/// two activations (during a failover) submit it once. Instants missed while nobody ran collapse into one, the latest
/// (as Hangfire does). An instant does not wait for the one before it to be acknowledged (<see cref="ScheduleCadence"/>):
/// one whose task shard is failing over waits alone, and the schedule keeps its cadence on the other shards, as a
/// Celery beat keeps sending while a worker dies.
/// </summary>
internal sealed partial class ScheduleGrain(
    [PersistentState("schedule", SurgeStorage.Name)] IPersistentState<ScheduleState> state,
    HandlerRegistry handlers,
    IOptions<WorkerOptions> workers,
    IOptions<TaskOptions> tasks,
    TimeProvider time,
    ILogger<ScheduleGrain> logger) : Grain, IScheduleGrain, IScheduleWake, IRemindable
{
    private const string ReminderName = "surge-schedule";
    private const string StateKey = "state"; // the one key of _changes: the schedule's stored state
    private static readonly TimeSpan WakeUp = TimeSpan.FromMinutes(1); // Orleans' shortest reminder period
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = logger;
    // Changes to the stored state, one at a time: a request's change and an instant's acknowledgment interleave at awaits.
    private readonly KeyGates _changes = new();
    private readonly ScheduleCadence _cadence = new();
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null) Arm();
        return Task.CompletedTask;
    }

    public async Task<ScheduleStatus> SetAsync(ScheduleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Name != this.GetPrimaryKeyString())
            throw new SurgeValidationException("name", $"'{spec.Name}' is not this schedule's name ('{this.GetPrimaryKeyString()}'); register through ISurgeClient.ScheduleAsync");
        CronSchedule.ParseFiring(spec.Cron, time.GetUtcNow());
        if (spec.Wave is { } wave)
        {
            if (!Flows.FlowValidator.IsName(wave.Flow)) throw new SurgeValidationException("wave.flow", $"\"{wave.Flow}\" is not a flow name");
            if (!Flows.FlowValidator.IsName(wave.State)) throw new SurgeValidationException("wave.state", $"\"{wave.State}\" is not a state name");
            // As each instant's wave would be refused: said now, not at every instant.
            if (await GrainFactory.GetGrain<Flows.IFlowGrain>(wave.Flow).GetAsync() is null)
                throw new SurgeValidationException("wave.flow", $"no flow '{wave.Flow}' is registered; register it first (surge flow register FILE.json)");
        }
        else
        {
            // As its shard will check each instant's task: the silo's bounds, and the handler's own check of the payload.
            // A schedule refused only there was stored and refused at every instant, again every 5 s.
            var now = time.GetUtcNow();
            TaskValidator.Validate(spec, now, new TaskLimits(workers.Value.MaxPayloadBytes, tasks.Value.MaxTimeout));
            handlers.Validate(spec.TaskFor(now));
        }
        if (!Same(state.State.Spec, spec))
        {
            using var change = await ChangeAsync();
            // A new or changed schedule starts from now: it does not make up for instants before it existed.
            var previous = state.State;
            state.State = new ScheduleState { Spec = spec, LastFired = time.GetUtcNow() };
            _cadence.Restart();
            await state.WriteOrUndoAsync(this, () => state.State = previous, $"schedule '{spec.Name}'");
            LogScheduled(spec.Name, spec.Cron, spec.Type);
        }
        // Also when the same schedule is set again: a first try whose state was stored but whose reminder or index entry
        // was not is completed by the caller's retry (both steps are idempotent).
        await this.RegisterOrUpdateReminder(ReminderName, WakeUp, WakeUp);
        await GrainFactory.GetGrain<IScheduleIndexGrain>(0).AddAsync(spec.Name);
        Arm();
        return Status();
    }

    // Its stored state goes first: until it is gone, the schedule stays whole (timer, reminder, index), and a removal the
    // store refused changes nothing. A reminder left behind by a later step that failed finds no schedule and goes.
    public async Task<bool> RemoveAsync()
    {
        if (state.State.Spec is null)
        {
            // Nothing stored, but a removal whose state went may have failed before its reminder or list entry did:
            // the caller's retry finishes it (both steps are idempotent), or the list would wake an empty schedule for good.
            await UnregisterReminderAsync();
            await GrainFactory.GetGrain<IScheduleIndexGrain>(0).RemoveAsync(this.GetPrimaryKeyString());
            DeactivateOnIdle();
            return false;
        }
        using (await ChangeAsync())
        {
            await state.ClearOrThrowAsync(this, $"the removal of schedule '{this.GetPrimaryKeyString()}'");
            state.State = new ScheduleState();
        }
        _timer?.Dispose();
        _timer = null;
        await UnregisterReminderAsync();
        await GrainFactory.GetGrain<IScheduleIndexGrain>(0).RemoveAsync(this.GetPrimaryKeyString());
        DeactivateOnIdle();
        return true;
    }

    private async Task UnregisterReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    public Task WakeAsync() => Task.CompletedTask; // activated, it has armed its timer

    public Task<ScheduleStatus?> GetAsync() => Task.FromResult(state.State.Spec is null ? Absent<ScheduleStatus>() : Status());

    // Asked for a schedule there is none of: the activation goes once idle, so asking for names that do not exist (a
    // typo, a scan) does not keep one activation each.
    private T? Absent<T>() where T : class
    {
        DeactivateOnIdle();
        return null;
    }

    public async Task<string?> TriggerAsync()
    {
        if (state.State.Spec is not { } spec) return Absent<string>();
        var now = time.GetUtcNow();
        string id;
        if (ScheduleRules.ManualWave(spec, now) is { } wave)
        {
            await GrainFactory.GetGrain<Flows.IScheduledWaveStart>(wave.WaveId!).StartScheduledAsync(wave);
            id = wave.WaveId!;
        }
        else
        {
            var task = ScheduleRules.ManualTask(spec, now);
            await GrainFactory.SystemShard(task.Id).SubmitSystemAsync(task);
            id = task.Id;
        }
        LogTriggered(spec.Name, id);
        return id;
    }

    public async Task<ScheduleStatus?> SetPausedAsync(bool paused)
    {
        if (state.State.Spec is null) return Absent<ScheduleStatus>();
        if (state.State.Paused != paused)
        {
            using var change = await ChangeAsync();
            var (lastFired, wasPaused) = (state.State.LastFired, state.State.Paused);
            state.State.LastFired = paused ? lastFired : ScheduleRules.Resume(lastFired, wasPaused, time.GetUtcNow());
            state.State.Paused = paused;
            await state.WriteOrUndoAsync(this, () => (state.State.LastFired, state.State.Paused) = (lastFired, wasPaused),
                $"{(paused ? "the pause" : "the resumption")} of schedule '{this.GetPrimaryKeyString()}'");
            LogPaused(this.GetPrimaryKeyString(), paused);
            Arm();
        }
        return Status();
    }

    // A reminder of a schedule that is gone (its removal stored, its reminder not unregistered) goes too.
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec is null) return UnregisterReminderAsync();
        FireDue();
        return Task.CompletedTask;
    }

    private void Arm(TimeSpan? retryIn = null)
    {
        var delay = retryIn ?? ScheduleRules.TimerDelay(state.State.Spec!, _cadence.StartedUpTo(state.State.LastFired), state.State.Paused,
            time.GetUtcNow(), WakeUp);
        if (_timer is null) _timer = this.RegisterGrainTimer(_ =>
        {
            FireDue();
            return Task.CompletedTask;
        }, delay, Timeout.InfiniteTimeSpan);
        else _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    // Starts the latest due instant's submission without waiting for it, and arms the timer for the next.
    private void FireDue()
    {
        if (state.State.Spec is not { } spec) return;
        if (_cadence.InFlight >= ScheduleCadence.MostInFlight)
        {
            Arm(WakeUp); // the next submission to end fires it again
            return;
        }
        if (_cadence.Start(spec, state.State.LastFired, state.State.Paused, time.GetUtcNow()) is { } instant)
            _ = SubmitAsync(spec, instant); // on this activation's scheduler: its continuations interleave, never run in parallel
        Arm();
    }

    // Submits one instant, then stores it as the last fired unless a later one was stored first.
    private async Task SubmitAsync(ScheduleSpec spec, DateTimeOffset instant)
    {
        var failed = false;
        try
        {
            try
            {
                if (spec.WaveFor(instant) is { } wave) await GrainFactory.GetGrain<Flows.IScheduledWaveStart>(wave.WaveId!).StartScheduledAsync(wave);
                else
                {
                    var task = spec.TaskFor(instant);
                    await GrainFactory.SystemShard(task.Id).SubmitSystemAsync(task); // its schedule: id is refused to clients
                }
            }
            catch (SurgeValidationException e)
            {
                // Refused for what it is (a handler or a bound changed since it was registered, a wave's flow not
                // registered): asking again gets the same answer. The instant is passed, as a sent one is, and said once;
                // the next instant asks again. Hangfire, too, moves a recurring job that cannot be created to its next time.
                LogInstantRefused(spec.Name, instant, e.Message);
            }
            using var change = await ChangeAsync();
            // Removed or replaced meanwhile, or a later instant stored first: nothing to store.
            if (!ReferenceEquals(state.State.Spec, spec) || !ScheduleCadence.Stores(state.State.LastFired, instant)) return;
            var lastFired = state.State.LastFired;
            state.State.LastFired = instant;
            await state.WriteOrUndoAsync(this, () => state.State.LastFired = lastFired, $"instant {instant:O} of schedule '{spec.Name}'");
        }
        catch (Exception e)
        {
            failed = true;
            LogFireFailed(spec.Name, instant, e.Message); // the id keeps a second try single
        }
        finally
        {
            var next = _cadence.Ended(instant, failed);
            if (ReferenceEquals(state.State.Spec, spec) && next != CadenceStep.None) Arm(next == CadenceStep.RetryLater ? RetryAfterFailure : null);
        }
    }

    private ValueTask<KeyGates.Gate> ChangeAsync() => _changes.EnterAsync(StateKey);

    private ScheduleStatus Status()
    {
        var spec = state.State.Spec!;
        return new ScheduleStatus(spec, state.State.LastFired,
            ScheduleRules.Next(spec, state.State.LastFired, state.State.Paused, time.GetUtcNow()), state.State.Paused);
    }

    private static bool Same(ScheduleSpec? a, ScheduleSpec b)
        => a is not null && a.Cron == b.Cron && a.Type == b.Type && a.Payload.Span.SequenceEqual(b.Payload.Span) && a.Wave == b.Wave;

    [LoggerMessage(1, LogLevel.Information, "Schedule {Name} ({Cron}) submits tasks of type {Type}")]
    private partial void LogScheduled(string name, string cron, string type);

    [LoggerMessage(2, LogLevel.Warning, "Schedule {Name} could not submit or store its instant {Instant} ({Error}); the latest due instant is tried again in 5 s unless a later one is under way")]
    private partial void LogFireFailed(string name, DateTimeOffset instant, string error);

    [LoggerMessage(5, LogLevel.Error, "Schedule {Name} skips its instant {Instant}: the cluster refuses its task ({Error}); the next instant is submitted as usual. Change the schedule (surge schedule add) or remove it")]
    private partial void LogInstantRefused(string name, DateTimeOffset instant, string error);

    [LoggerMessage(3, LogLevel.Information, "Schedule {Name} triggered by hand: {Id}")]
    private partial void LogTriggered(string name, string id);

    [LoggerMessage(4, LogLevel.Information, "Schedule {Name} paused: {Paused}")]
    private partial void LogPaused(string name, bool paused);
}
