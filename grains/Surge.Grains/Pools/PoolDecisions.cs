namespace Surge.Pools;

/// <summary>
/// What the ledger decided in one step: items to start now (each with the pool whose slot it takes) and items to report
/// as never started. The owner acts on them and clears the lists; one instance is reused under the owner's lock.
/// </summary>
internal sealed class PoolDecisions
{
    public List<(WorkItem Item, PoolSlots Pool)> Start { get; } = [];

    public List<(WorkItem Item, string Why)> NotStarted { get; } = [];

    public bool IsEmpty => Start.Count == 0 && NotStarted.Count == 0;

    public void Clear()
    {
        Start.Clear();
        NotStarted.Clear();
    }
}
