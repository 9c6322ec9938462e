using Microsoft.Extensions.Options;
using Surge.Entities;
using Surge.Routing;
using Surge.Workers;

namespace Surge.Tasks;

/// <summary>
/// One task's record, keyed by its id: accepts it once (the id is the idempotency key), dispatches it, and keeps
/// the first final outcome. Activated where it is first called, so work stays on the gateway silo that took it.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
internal sealed class TaskGrain(
    [PersistentState("task", SurgeStorage.Name)] IPersistentState<TaskRecord> record,
    HandlerRegistry handlers,
    IOptions<WorkerOptions> workers,
    TimeProvider time) : Grain, ITaskGrain, ITaskLifecycleGrain
{
    private TaskCompletionSource? _final;

    private TaskRecord Record => record.State;

    public async Task<TaskStatus> SubmitAsync(TaskSpec spec)
    {
        if (Record.Spec is not null) return Status(); // a duplicate: the first submission stands

        TaskValidator.Validate(spec, workers.Value.MaxPayloadBytes);
        if (spec.Id != this.GetPrimaryKeyString())
            throw new SurgeValidationException("id", $"'{spec.Id}' was sent to the record of '{this.GetPrimaryKeyString()}'; submit through ISurgeClient");
        handlers.EnsureKnown(spec.Type);

        Record.Spec = spec;
        Record.State = TaskState.Queued;
        Record.SubmittedAt = time.GetUtcNow();
        await record.WriteStateAsync(); // durable before anything can run it

        if (spec.Entity is { } entity)
        {
            var released = await GrainFactory.GetGrain<IEntityGrain>(entity).EnqueueAsync(spec);
            if (!released && !Record.State.IsFinal() && Record.State != TaskState.Running) Record.State = TaskState.Held;
        }
        else
        {
            var decision = await GrainFactory.GetGrain<IClassifierGrain>(0).DispatchAsync(spec, attempt: 1);
            Record.Pool ??= decision.Pool;
            Record.PredictedMs ??= decision.PredictedMs;
        }
        return Status();
    }

    public Task<TaskStatus?> GetStatusAsync() => Task.FromResult(Record.Spec is null ? null : Status());

    public async Task<TaskStatus?> WaitAsync(TimeSpan maxWait)
    {
        if (Record.Spec is null) return null;
        if (!Record.State.IsFinal() && maxWait > TimeSpan.Zero)
        {
            _final ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await _final.Task.WaitAsync(maxWait, time);
            }
            catch (TimeoutException)
            {
                // Not final yet: the caller sees the current state and asks again.
            }
        }
        return Status();
    }

    public Task OnStartedAsync(TaskStart start)
    {
        if (Record.Spec is null || Record.State.IsFinal()) return Task.CompletedTask;
        Record.State = TaskState.Running;
        Record.Pool = start.Pool;
        Record.PredictedMs = start.PredictedMs;
        Record.StartedAt = start.StartedAt;
        Record.Attempts = Math.Max(Record.Attempts, start.Attempt);
        return Task.CompletedTask;
    }

    public async Task OnFinishedAsync(TaskOutcome outcome)
    {
        if (Record.Spec is null || Record.State.IsFinal()) return; // exactly one recorded result
        Record.State = outcome.Succeeded ? TaskState.Succeeded : TaskState.Failed;
        Record.Pool = outcome.Pool;
        Record.PredictedMs = outcome.PredictedMs;
        Record.StartedAt = outcome.StartedAt;
        Record.FinishedAt = outcome.FinishedAt;
        Record.Attempts = Math.Max(Record.Attempts, outcome.Attempt);
        Record.Error = outcome.Error;
        Record.Result = outcome.Result;
        await FinalizeAsync();
        if (Record.Spec.Entity is { } entity)
            await GrainFactory.GetGrain<IEntityGrain>(entity).OnEventFinishedAsync(Record.Spec.Id);
    }

    public async Task OnExpiredAsync(string reason)
    {
        if (Record.Spec is null || Record.State.IsFinal()) return;
        Record.State = TaskState.Failed;
        Record.Error = reason;
        Record.FinishedAt = time.GetUtcNow();
        await FinalizeAsync();
    }

    private async Task FinalizeAsync()
    {
        await record.WriteStateAsync();
        _final?.TrySetResult();
    }

    private TaskStatus Status() => Record.ToStatus(this.GetPrimaryKeyString());
}
