using Microsoft.Extensions.Options;

namespace Surge.Flows;

[GenerateSerializer]
internal sealed class FlowState
{
    [Id(0)] public FlowDefinition? Flow { get; set; }
}

/// <summary>
/// A registered flow. The definition is validated here, where every client's registration passes, against this silo's
/// payload limit and handlers: every wave submits each step as a task, which the silos' shards check the same way.
/// </summary>
internal sealed class FlowGrain(
    [PersistentState("flow", SurgeStorage.Name)] IPersistentState<FlowState> state,
    IOptions<Workers.WorkerOptions> workers,
    Workers.HandlerRegistry handlers) : Grain, IFlowGrain
{
    public async Task<FlowDefinition> RegisterAsync(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        FlowValidator.Validate(flow, workers.Value.MaxPayloadBytes);
        // As every wave's step will be checked at its shard: a type with no handler, or a payload the handler refuses,
        // was registered and then failed every step of every wave, the reason shown only in each step's record.
        foreach (var task in flow.Tasks)
        {
            try
            {
                handlers.Validate(TaskSpec.Create(task.Type, task.Payload));
            }
            catch (SurgeValidationException e)
            {
                throw new SurgeValidationException($"{task.Name}.{e.Field}", e.Message[(e.Field.Length + 2)..]);
            }
        }
        if (flow.Name != this.GetPrimaryKeyString())
            throw new SurgeValidationException("flow.name", $"'{flow.Name}' is not this flow's name ('{this.GetPrimaryKeyString()}'); register through ISurgeFlows.RegisterAsync");
        var previous = state.State.Flow;
        state.State.Flow = flow;
        await state.WriteOrUndoAsync(this, () => state.State.Flow = previous);
        return flow;
    }

    public Task<FlowDefinition?> GetAsync() => Task.FromResult(state.State.Flow);
}
