namespace Surge.Entities;

/// <summary>The order book of one entity (keyed by the entity key): releases its events one at a time, in order.</summary>
internal interface IEntityGrain : IGrainWithStringKey
{
    /// <summary>Adds an event; true when it was released to a pool at once, false when it is held.</summary>
    Task<bool> EnqueueAsync(TaskSpec spec);

    /// <summary>
    /// The event reached a final state: release the next ready one. A held event (cancelled before it ran) is dropped
    /// and counts as handled, as any final state does.
    /// </summary>
    Task OnEventFinishedAsync(string taskId);

    /// <summary>The running event failed and its retry is due: run it again, here, still holding the entity's order.</summary>
    Task RetryAsync(TaskSpec spec, int attempt);

    /// <summary>Events waiting for a predecessor, oldest first.</summary>
    Task<HeldEvent[]> GetHeldAsync();
}
