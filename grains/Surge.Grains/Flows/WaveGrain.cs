using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Surge.Flows;

[GenerateSerializer]
internal sealed class WaveRecord
{
    [Id(0)] public FlowPlan? Plan { get; set; }
    [Id(1)] public string State { get; set; } = "";
    [Id(2)] public ImmutableArray<string> Entities { get; set; } = [];
    [Id(3)] public DateTimeOffset StartedAt { get; set; }
    [Id(4)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(5)] public double? CriticalPathSeconds { get; set; }
    [Id(6)] public ImmutableArray<WaveTaskCount> FinalCounts { get; set; } = [];
}

/// <summary>
/// One wave: stores what it runs (the flow as registered, the state's entities as they are, date and versions) before
/// it starts anything, starts a <see cref="IWaveEntityGrain"/> per entity, and counts their progress. Counts live in
/// memory and are rebuilt by asking every entity after a restart. Asking an entity also wakes its run if a dead silo
/// stopped it: silos ask the open waves to do so when they see a silo declared dead (<see cref="WaveKeeper"/>), and a
/// reminder does every minute until the wave is done.
/// </summary>
internal sealed partial class WaveGrain(
    [PersistentState("wave", SurgeStorage.Waves)] IPersistentState<WaveRecord> state,
    WaveGauges gauges,
    IPipeStore pipes,
    TimeProvider time,
    ILogger<WaveGrain> logger) : Grain, IWaveGrain, IScheduledWaveStart, IWaveProgress, IWaveWake, IRemindable
{
    private const string ReminderName = "surge-wave";
    private static readonly TimeSpan WakeUp = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StallCheck = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger = logger;
    private WaveBook? _book;
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private bool _startDone; // this activation finished a start: a client's retry of it need not register anything again
    private long _heard; // a timestamp: a clock set back must not hide a stall
    private ImmutableArray<WaveTaskCount> _final;

    private WaveRecord Record => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Record.Plan is null) return Task.CompletedTask;
        Index();
        if (Record.FinishedAt is null) Sweep();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        gauges.Remove(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<WaveStatus> StartAsync(WaveRequest request)
    {
        WaveIds.RefuseReserved(this.GetPrimaryKeyString()); // even when started already: a client never reads one through this
        ArgumentNullException.ThrowIfNull(request);
        // Someone asked for this wave by hand: a state with no entities is most likely a misspelt one, and a wave over it
        // would be "done" at once having run nothing. A schedule's wave over a state emptied meanwhile is just empty.
        if (Record.Plan is null && FlowValidator.IsName(request.State)
            && (await GrainFactory.GetGrain<IEntityStateGrain>(request.State).ListAsync(0, 1)).Length == 0)
        {
            throw new SurgeValidationException("state",
                $"state '{request.State}' has no entities: add them first (surge state add {request.State} KEY...), or check the name (surge state list NAME)");
        }
        return await StartScheduledAsync(request);
    }

    public async Task<WaveStatus> StartScheduledAsync(WaveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Record.Plan is not null)
        {
            // Started already; a start that failed after its plan was stored (its reminder or its place on the list
            // refused, a silo dying) is finished by the retry, or nothing would ever start its entities.
            if (!_startDone && Record.FinishedAt is null) await CompleteStartAsync();
            return Status();
        }
        var wave = this.GetPrimaryKeyString();
        if (!FlowValidator.IsName(wave)) throw new SurgeValidationException("wave", $"\"{wave}\" is not a wave id: use 1 to 64 letters, digits, '.', '_' or '-'");
        if (!FlowValidator.IsName(request.State)) throw new SurgeValidationException("state", $"\"{request.State}\" is not a state name: use 1 to 64 letters, digits, '.', '_' or '-'");
        var flow = await GrainFactory.GetGrain<IFlowGrain>(request.Flow).GetAsync()
            ?? throw new SurgeValidationException("flow", $"no flow '{request.Flow}' is registered; register it first (surge flow register FILE.json)");
        var date = request.Date is null ? WaveDates.Today(time.GetUtcNow()) : WaveDates.Validate(request.Date);
        var plan = FlowPlan.Create(wave, flow, date, request.Versions);
        var source = GrainFactory.GetGrain<IEntityStateGrain>(request.State);
        var entities = await source.ListAsync(0, EntityKeys.MaxPerState);
        // The reminder first: a start that dies after its plan is stored (before its place on the open list, or its
        // entities' start) is finished by the reminder even when nobody retries it, as when a schedule's later instant
        // covered for it. A reminder whose plan was never stored finds none and goes.
        await this.RegisterOrUpdateReminder(ReminderName, WakeUp, WakeUp);
        Record.Plan = plan;
        Record.State = request.State;
        Record.Entities = entities;
        Record.StartedAt = time.GetUtcNow();
        await state.WriteOrUndoAsync(this, () => state.State = new WaveRecord());
        Index();
        LogStarted(wave, flow.Name, request.State, entities.Length, plan.Steps.Length);
        await CompleteStartAsync();
        return Status();
    }

    // Everything after the plan is stored, each step idempotent: what wakes the wave (its reminder, the open list),
    // then its entities.
    private async Task CompleteStartAsync()
    {
        await this.RegisterOrUpdateReminder(ReminderName, WakeUp, WakeUp);
        await GrainFactory.GetGrain<IWaveIndexGrain>(0).AddAsync(this.GetPrimaryKeyString());
        _startDone = true;
        if (Record.Entities.Length == 0) await FinishAsync();
        else Sweep(start: true);
    }

    public Task<WaveStatus?> GetStatusAsync()
    {
        if (Record.Plan is null) return Task.FromResult<WaveStatus?>(null);
        // Someone is watching and nothing has moved for a while: look now rather than at the next reminder, which may
        // be a minute away, in case a silo died with some of the entities' runs.
        if (Record.FinishedAt is null && time.GetElapsedTime(_heard) > StallCheck) Sweep();
        return Task.FromResult<WaveStatus?>(Status());
    }

    public Task ReportAsync(string entity, EntityProgress progress)
    {
        if (Record.Plan is null || Record.FinishedAt is not null || !_index.TryGetValue(entity, out var i)) return Task.CompletedTask;
        _heard = time.GetTimestamp();
        _book!.Update(i, progress);
        return _book.AllDone ? FinishAsync() : Task.CompletedTask;
    }

    public Task ReportDoneAsync(string entity, EntityProgress progress) => ReportAsync(entity, progress);

    public Task WakeAsync()
    {
        if (Record.Plan is null || Record.FinishedAt is not null) return LeaveOpenListAsync(); // its finish did not reach the list
        Sweep();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Record.Plan is null || Record.FinishedAt is not null)
        {
            if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
            return;
        }
        if (!_startDone) await CompleteStartAsync(); // a start that died after its plan was stored, with nobody to retry it
        else Sweep();
    }

    private void Index()
    {
        var book = _book = new WaveBook(Record.Plan!, Record.Entities.Length);
        _index = new Dictionary<string, int>(Record.Entities.Length, StringComparer.Ordinal);
        for (var i = 0; i < Record.Entities.Length; i++) _index[Record.Entities[i]] = i;
        // Read by the metrics exporter off the grain's thread, where the grain's state may not be touched: plain fields only.
        var flow = Record.Plan!.Flow.Name;
        gauges.Set(this.GetPrimaryKeyString(), () => (flow, _final.IsDefaultOrEmpty ? book.Counts() : _final));
    }

    private async Task FinishAsync()
    {
        if (Record.FinishedAt is not null) return;
        Record.FinishedAt = _book!.LastEnd ?? time.GetUtcNow();
        Record.CriticalPathSeconds = _book.CriticalPathSeconds;
        Record.FinalCounts = Counts();
        await state.WriteOrUndoAsync(this, () => Record.FinishedAt = null); // not done until stored: the next report or sweep finishes it
        _final = Record.FinalCounts;
        LogFinished(this.GetPrimaryKeyString(), (Record.FinishedAt.Value - Record.StartedAt).TotalSeconds);
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
        await LeaveOpenListAsync();
    }

    private async Task LeaveOpenListAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IWaveSweep>(0).ClosedAsync(this.GetPrimaryKeyString());
        }
        catch (Exception e)
        {
            LogNotClosed(this.GetPrimaryKeyString(), e.Message); // the next wake of the open waves asks again
        }
    }

    private ImmutableArray<WaveTaskCount> Counts() => Record.FinishedAt is not null && !Record.FinalCounts.IsDefaultOrEmpty
        ? Record.FinalCounts : _book!.Counts();

    private WaveStatus Status()
    {
        var plan = Record.Plan!;
        var done = Record.FinishedAt is { } end;
        return new WaveStatus(this.GetPrimaryKeyString(), plan.Flow.Name, Record.State, plan.Date, Record.Entities.Length, Counts(),
            Record.StartedAt, Record.FinishedAt, done ? (Record.FinishedAt!.Value - Record.StartedAt).TotalSeconds : null,
            done ? Record.CriticalPathSeconds : null, done ? Record.Entities.Length : _book!.Done);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wave {Wave} of flow {Flow} started over state {State}: {Entities} entities, {Steps} steps each")]
    private partial void LogStarted(string wave, string flow, string state, int entities, int steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wave {Wave} finished in {Seconds:F1} s")]
    private partial void LogFinished(string wave, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wave {Wave} finished but stays on the open list for now: {Error}")]
    private partial void LogNotClosed(string wave, string error);
}
