namespace Surge.Pools;

/// <summary>
/// One pool's queue and slot counts inside <see cref="PoolLedger"/>. Not thread-safe: the ledger's owner guards it.
/// A pool owns <see cref="Limit"/> slots; it may lend idle ones to the pool that names it as <see cref="Lender"/>.
/// </summary>
internal sealed class PoolSlots(PoolKind kind, int min, int max, int limit, PoolSlots? lender)
{
    public PoolKind Kind { get; } = kind;
    public int Min { get; } = min;
    public int Max { get; } = max;
    public int Limit { get; set; } = limit;
    public Queue<WorkItem> Queue { get; } = new();

    /// <summary>The pool whose idle slots this one may borrow; null when it borrows none.</summary>
    public PoolSlots? Lender { get; } = lender;

    /// <summary>Tasks of this pool running, in its own slots or borrowed ones.</summary>
    public int Running { get; set; }

    /// <summary>Tasks of this pool running in slots borrowed from <see cref="Lender"/>.</summary>
    public int Borrowed { get; set; }

    /// <summary>This pool's slots in use by a borrower's tasks.</summary>
    public int Lent { get; set; }

    /// <summary>Predicted memory of this pool's running tasks.</summary>
    public double MemoryMb { get; set; }

    public long Arrived { get; set; }
    public long PredictedArrived { get; set; }
    public double PredictedMsTotal { get; set; }
    public long Started { get; set; }
    public double RunMsTotal { get; set; }
    public long Completed { get; set; }

    /// <summary>Counts an item entering the queue, and its predicted duration (if any) for the autoscaler's mean.</summary>
    public void Arrive(WorkItem item)
    {
        Arrived++;
        if (item.PredictedMs is > 0 and var predicted)
        {
            PredictedArrived++;
            PredictedMsTotal += predicted;
        }
    }

    private int OwnSlotsInUse => Running - Borrowed + Lent;

    public bool HasOwnSlot => OwnSlotsInUse < Limit;

    /// <summary>Slots of a pool with waiting work are never lent: its own tasks come first.</summary>
    public bool CanLend => Queue.Count == 0 && OwnSlotsInUse < Limit;
}
