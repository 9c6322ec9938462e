namespace Surge.Pools;

/// <summary>What the runtime itself asks of one silo's pools (the grain keyed by the silo's address; not for clients).</summary>
internal interface IPoolControl : IGrainWithStringKey
{
    /// <summary>Cancels the task in this silo's pools, if they hold it. False when they do not.</summary>
    Task<bool> CancelAsync(string taskId);

    /// <summary>
    /// Which of these tasks this silo's pools hold: queued, running, or reporting their outcome. A shard asks after a
    /// batch to this silo failed in a way that leaves open whether it arrived.
    /// </summary>
    Task<string[]> HeldAsync(string[] taskIds);
}
