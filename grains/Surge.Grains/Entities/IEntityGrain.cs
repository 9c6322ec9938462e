namespace Surge.Entities;

/// <summary>The order book of one entity (keyed by the entity key): releases its events one at a time, in order.</summary>
internal interface IEntityGrain : IGrainWithStringKey
{
    /// <summary>Adds an event; true when it was released to a pool at once, false when it is held.</summary>
    Task<bool> EnqueueAsync(TaskSpec spec);

    /// <summary>The released event reached a final state: release the next ready one.</summary>
    Task OnEventFinishedAsync(string taskId);

    /// <summary>Events waiting for a predecessor, oldest first.</summary>
    Task<HeldEvent[]> GetHeldAsync();
}
