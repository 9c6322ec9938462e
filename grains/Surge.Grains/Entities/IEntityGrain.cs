namespace Surge.Entities;

/// <summary>
/// The order book of one entity (keyed by the entity key). It decides only the order: which event may run now. The
/// tasks' shards own everything else (attempts, runs, outcomes) and tell it when an event's run is over.
/// </summary>
internal interface IEntityGrain : IGrainWithStringKey
{
    /// <summary>Takes an event before its task is recorded: released to run now, held, or refused when full. Idempotent.</summary>
    Task<Admission> AdmitAsync(EntityEvent e);

    /// <summary>A dead letter runs again: it goes back to its place in the entity's order. Idempotent.</summary>
    Task<Admission> ReadmitAsync(EntityEvent e);

    /// <summary>The event is final and no run of it is left: it counts as handled, and the next ready event is released.</summary>
    Task OnEventEndedAsync(string taskId);

    /// <summary>An admitted event whose task could not be recorded: forgotten, not handled.</summary>
    Task WithdrawAsync(string taskId);
}
