using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Surge.Telemetry;

namespace Surge.Flows;

[GenerateSerializer]
internal sealed class WaveEntityState
{
    [Id(0)] public FlowPlan? Plan { get; set; }
    [Id(1)] public DateTimeOffset StartedAt { get; set; }
    [Id(2)] public StepRecord[] Steps { get; set; } = [];
}

/// <summary>
/// Drives one entity's graph in a wave: starts each step as <see cref="EntityRun"/> decides, on the normal task path
/// (shard, routing, pools, policies, caps), under an id derived from the wave, entity, task and version, so a step
/// submitted again after a crash runs once. A step's output pipe is written before its end is stored, and each
/// decision is stored before it is acted on or reported. A keep-alive timer restarts the run if it stopped; after a
/// silo's death the wave's reminder wakes the grain elsewhere.
/// </summary>
internal sealed partial class WaveEntityGrain(
    [PersistentState("wave-entity", SurgeStorage.Waves)] IPersistentState<WaveEntityState> state,
    IPipeStore pipes,
    TimeProvider time,
    ILogger<WaveEntityGrain> logger) : Grain, IWaveEntityGrain
{
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly ILogger _logger = logger;
    private string _wave = "", _entity = "";
    private EntityRun? _run;
    private EntityProgress? _stored; // the progress of what is stored, all anyone is shown: _run runs ahead of it between a decision and its write
    private Task? _pump;
    private IGrainTimer? _keepAlive;
    // Cancelled as the activation goes: its run and retries end with it. Without it they went on in an activation that
    // was gone (a duplicate deactivated after a partition healed), failing every 10 s until the process ended.
    private readonly CancellationTokenSource _active = new();
    private bool _reportedDone; // the wave has this activation's last report

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_wave, _entity) = WaveKeys.Split(this.GetPrimaryKeyString());
        if (state.State.Plan is { } plan)
        {
            _run = new EntityRun(plan, state.State.StartedAt, state.State.Steps);
            _stored = _run.Progress();
        }
        Pump();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _active.Cancel();
        // A run not done, or not yet heard done by its wave, goes on in the next activation at once, on this silo or
        // another, rather than when the wave next sweeps (its reminder, up to a minute away): a copy that stepped aside
        // because its write found newer state (a duplicate after a partition) left its entity's end unstored until then.
        // The call waits out this deactivation.
        if (_run is { } run && (!run.IsDone || !_reportedDone)) this.AsReference<IWaveEntityGrain>().GetAsync().Ignore();
        return Task.CompletedTask;
    }

    public async Task<EntityProgress> StartAsync(FlowPlan plan)
    {
        if (_run is null)
        {
            state.State = new WaveEntityState { Plan = plan, StartedAt = time.GetUtcNow(), Steps = new StepRecord[plan.Steps.Length] };
            await state.WriteOrUndoAsync(this, () => state.State = new WaveEntityState());
            _run = new EntityRun(plan, state.State.StartedAt, state.State.Steps);
            _stored = _run.Progress();
        }
        Pump();
        return _stored!;
    }

    // Interleaves with the run (and so may come while a decision is being stored): it answers what is stored.
    public Task<EntityProgress?> GetAsync()
    {
        Pump();
        return Task.FromResult(_stored);
    }

    private FlowPlan Plan => state.State.Plan!;

    private void Pump()
    {
        if (_run is null || _pump is { IsCompleted: false } || _active.IsCancellationRequested) return;
        if (_run.IsDone)
        {
            if (!_reportedDone) _pump = ReportDoneAsync(); // an activation woken after the run: the wave may not have heard
            return;
        }
        _keepAlive ??= this.RegisterGrainTimer(static (grain, _) =>
        {
            grain.Pump();
            return Task.CompletedTask;
        }, this, new GrainTimerCreationOptions { DueTime = KeepAlivePeriod, Period = KeepAlivePeriod, KeepAlive = true, Interleave = true });
        _pump = RunAsync();
    }

    private async Task RunAsync()
    {
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await RunStepsAsync();
                break;
            }
            catch (Exception) when (_active.IsCancellationRequested)
            {
                return; // the activation went, and woke the next one (OnDeactivateAsync), which goes on from what is stored
            }
            catch (Exception e)
            {
                // A write that failed: the run goes on from what is stored, after a pause. Should this loop itself
                // end (the activation going away), the keep-alive timer or the wave's sweep starts it again.
                LogRunStopped(e, _wave, _entity, pause.TotalMilliseconds);
                if (!await PauseAsync(pause)) return;
                pause = pause * 2 < MaxBackoff ? pause * 2 : MaxBackoff;
            }
        }
        if (!await ReportDoneAsync()) return;
        _keepAlive?.Dispose();
        _keepAlive = null;
        DeactivateOnIdle(); // done: its record answers later questions
    }

    private async Task RunStepsAsync()
    {
        var run = _run!;
        var waits = new Dictionary<int, Task<StepOutcome>>();
        // Steps started before a restart: submitting again is harmless (same id), and waits for the first outcome.
        foreach (var step in Plan.Steps)
            if (run.Records[step.Index] is { State: StepState.Running } record)
                waits[step.Index] = RunStepAsync(await SpecAsync(ReadyAgain(step, record.RanDegraded)));
        Report();
        var changed = false; // ends recorded in memory and not yet stored
        while (true)
        {
            // The ends just recorded and the starts they make ready are stored in one write, before the new steps are
            // submitted and before anyone hears of either.
            var now = time.GetUtcNow();
            var ready = run.Ready(now);
            var specs = new TaskSpec[ready.Count];
            for (var i = 0; i < ready.Count; i++) specs[i] = await SpecAsync(ready[i]);
            foreach (var start in ready) run.Started(start, now);
            if (changed || ready.Count > 0)
            {
                await SaveAsync();
                for (var i = 0; i < ready.Count; i++) waits[ready[i].Step.Index] = RunStepAsync(specs[i]);
                Report();
                changed = false;
            }
            if (run.IsDone) return;
            using var stop = new CancellationTokenSource();
            var deadline = run.NextDeadline();
            var timer = deadline is { } at ? Task.Delay(at > now ? at - now : TimeSpan.Zero, time, stop.Token) : Task.Delay(Timeout.Infinite, stop.Token);
            if (waits.Count == 0 && deadline is null) throw new InvalidOperationException("nothing runs and nothing waits, yet the run is not done");
            await Task.WhenAny(waits.Values.Append(timer));
            stop.Cancel();
            foreach (var (index, wait) in waits.Where(w => w.Value.IsCompleted).ToList())
            {
                waits.Remove(index);
                await EndAsync(index, await wait);
                changed = true;
            }
        }
    }

    // A step re-submitted after a restart, with the inputs that exist now (its task, if it reached its shard, keeps the first).
    private StepStart ReadyAgain(PlanStep step, bool degraded)
    {
        var present = step.Inputs.Where(i => _run!.Records[i.Producer].State is StepState.Finished or StepState.Degraded).ToImmutableArray();
        return new StepStart(step, degraded, present, [.. step.Inputs.Except(present).Select(i => i.Pipe)]);
    }

    private async Task EndAsync(int index, StepOutcome outcome)
    {
        var step = Plan.Steps[index];
        if (outcome.Succeeded)
        {
            // The pipe exists before the step is stored (and reported) as ended, so a reader never misses it.
            var write = await RetryAsync(() => pipes.WriteAsync(Plan.OutputKey(step, _entity), outcome.Result, Plan.Flow.PipeTtl));
            if (write == PipeWrite.Refused)
            {
                SurgeMeter.PipeWritesRefused.Add(1, new KeyValuePair<string, object?>("flow", Plan.Flow.Name), new KeyValuePair<string, object?>("task", step.Task.Name));
                LogPipeRefused(Plan.OutputKey(step, _entity));
            }
        }
        _run!.Ended(index, outcome.Succeeded, time.GetUtcNow(), outcome.Error, outcome.RunSeconds);
    }

    private async Task<TaskSpec> SpecAsync(StepStart start)
    {
        var step = start.Step;
        var keys = start.Present.Select(i => Plan.OutputKey(Plan.Steps[i.Producer], _entity)).ToArray();
        var values = keys.Length == 0 ? [] : await RetryAsync(() => pipes.ReadAsync(keys));
        var inputs = ImmutableDictionary.CreateBuilder<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        var missing = start.Missing.ToBuilder();
        for (var i = 0; i < keys.Length; i++)
            if (values[i] is { } value) inputs[start.Present[i].Pipe] = value;
            else missing.Add(start.Present[i].Pipe); // written, then expired: run with what exists
        var flowStep = new FlowStep(_wave, Plan.Flow.Name, step.Task.Name, step.Version, _entity, Plan.Date,
            start.Degraded || missing.Count > 0, inputs.ToImmutable(), missing.ToImmutable());
        var features = ImmutableDictionary<string, FeatureValue>.Empty.Add("flow_task", FeatureValue.Of($"{Plan.Flow.Name}.{step.Task.Name}"));
        return new TaskSpec(Plan.TaskId(step, _entity), step.Task.Type, Encoding.UTF8.GetBytes(step.Task.Payload), features, Flow: flowStep);
    }

    /// <summary>Runs a step on the task path until its task is final; only a refusal (a bad spec) ends it early.</summary>
    private async Task<StepOutcome> RunStepAsync(TaskSpec spec)
    {
        try
        {
            // Its wave: id is reserved: refused to clients, submitted here through the shard's interface for silos.
            var status = await RetryAsync(() => GrainFactory.SystemShard(spec.Id).SubmitSystemAndWaitAsync(spec, WaitSlice));
            while (!status.IsFinal)
                status = await RetryAsync(() => WaitOrSubmitAsync(spec));
            var ran = status is { StartedAt: { } s, FinishedAt: { } f } ? (f - s).TotalSeconds : 0;
            return status.State == TaskState.Succeeded
                ? new StepOutcome(true, status.Result, null, ran)
                : new StepOutcome(false, default, status.Error ?? status.State.ToString(), ran);
        }
        catch (SurgeValidationException e)
        {
            return new StepOutcome(false, default, $"refused: {e.Message}", 0);
        }
    }

    // Unknown to its shard (the submission never reached it before a crash): submitted now.
    private async Task<TaskStatus> WaitOrSubmitAsync(TaskSpec spec)
        => await GrainFactory.Shard(spec.Id).WaitAsync(spec.Id, WaitSlice) ?? await GrainFactory.SystemShard(spec.Id).SubmitSystemAndWaitAsync(spec, WaitSlice);

    // Storage and silos come back; a step waits for them rather than failing the entity's graph.
    private async Task<T> RetryAsync<T>(Func<ValueTask<T>> call) => await RetryAsync(() => call().AsTask());

    private async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            _active.Token.ThrowIfCancellationRequested();
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not SurgeValidationException && !_active.IsCancellationRequested)
            {
                LogRetrying(e, _wave, _entity, pause.TotalMilliseconds);
                if (!await PauseAsync(pause)) throw new OperationCanceledException("the activation went", e, _active.Token);
                pause = pause * 2 < MaxBackoff ? pause * 2 : MaxBackoff;
            }
        }
    }

    // False when the activation went during the pause.
    private async Task<bool> PauseAsync(TimeSpan pause)
    {
        await Task.Delay(pause, time, _active.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        return !_active.IsCancellationRequested;
    }

    private async Task SaveAsync()
    {
        var previous = state.State.Steps;
        state.State.Steps = [.. _run!.Records];
        // Decisions not stored are forgotten, not acted on: the run goes on from what is stored.
        await state.WriteOrUndoAsync(this, () =>
        {
            state.State.Steps = previous;
            _run = new EntityRun(Plan, state.State.StartedAt, previous);
        });
        _stored = _run!.Progress();
    }

    private void Report()
    {
        if (_stored is not null) GrainFactory.GetGrain<IWaveProgress>(_wave).ReportAsync(_entity, _stored).Ignore();
    }

    // The report the wave finishes on, told until it is heard. One-way, it could be lost (with the wave's silo, or
    // expired in the queue of a wave busy elsewhere), or heard by a wave that could not store its finish: the wave then
    // stayed open until its reminder, a minute away. False when the activation went first: it wakes the next one, which
    // reports.
    private async Task<bool> ReportDoneAsync()
    {
        try
        {
            await RetryAsync(async Task<bool> () =>
            {
                await GrainFactory.GetGrain<IWaveProgress>(_wave).ReportDoneAsync(_entity, _stored!);
                return true;
            });
            _reportedDone = true;
            return true;
        }
        catch (Exception) when (_active.IsCancellationRequested)
        {
            return false;
        }
    }

    private readonly record struct StepOutcome(bool Succeeded, ReadOnlyMemory<byte> Result, string? Error, double RunSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wave {Wave} entity {Entity}: its run stopped; it goes on from what is stored in {PauseMs} ms")]
    private partial void LogRunStopped(Exception e, string wave, string entity, double pauseMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wave {Wave} entity {Entity}: a call failed; trying again in {PauseMs} ms")]
    private partial void LogRetrying(Exception e, string wave, string entity, double pauseMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipe {Key} exists with other bytes: the write was refused and the first value stands")]
    private partial void LogPipeRefused(string key);
}
