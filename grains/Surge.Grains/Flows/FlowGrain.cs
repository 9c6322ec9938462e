using Microsoft.Extensions.Options;

namespace Surge.Flows;

[GenerateSerializer]
internal sealed class FlowState
{
    [Id(0)] public FlowDefinition? Flow { get; set; }
}

/// <summary>
/// A registered flow. The definition is validated here, where every client's registration passes, against this silo's
/// payload limit: every wave submits each step as a task, which the silos' shards check against that limit.
/// </summary>
internal sealed class FlowGrain(
    [PersistentState("flow", SurgeStorage.Name)] IPersistentState<FlowState> state,
    IOptions<Workers.WorkerOptions> workers) : Grain, IFlowGrain
{
    public async Task<FlowDefinition> RegisterAsync(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        FlowValidator.Validate(flow, workers.Value.MaxPayloadBytes);
        if (flow.Name != this.GetPrimaryKeyString())
            throw new SurgeValidationException("flow.name", $"'{flow.Name}' is not this flow's name ('{this.GetPrimaryKeyString()}'); register through ISurgeFlows.RegisterAsync");
        var previous = state.State.Flow;
        state.State.Flow = flow;
        await state.WriteOrUndoAsync(this, () => state.State.Flow = previous);
        return flow;
    }

    public Task<FlowDefinition?> GetAsync() => Task.FromResult(state.State.Flow);
}
