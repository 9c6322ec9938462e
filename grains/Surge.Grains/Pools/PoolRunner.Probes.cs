namespace Surge.Pools;

// A shard's question about dispatches whose batch to this silo failed: its answer binds this silo (PoolLedger.Bars).
internal sealed partial class PoolRunner
{
    /// <summary>
    /// Which of these dispatches this silo holds; from now on none of them is taken here, so one its shard is told is
    /// not here never runs here if its batch is still on its way (<see cref="PoolLedger.Probe"/>).
    /// </summary>
    public string[] Probe(IReadOnlyList<DispatchProbe> dispatches)
    {
        List<string> held = [];
        List<DispatchProbe> barred = [];
        lock (_lock)
        {
            foreach (var dispatch in dispatches)
            {
                if (_ledger.Probe(dispatch.TaskId, dispatch.Attempt, dispatch.SubmittedAt)) held.Add(dispatch.TaskId);
                else if (dispatch.Attempt > 0) barred.Add(dispatch);
            }
        }
        // One line a question: a shard that moved asks about every open task it had sent here, thousands after a failover.
        if (barred.Count > 0) LogBarred(barred.Count, barred[0].TaskId, barred[0].Attempt);
        return [.. held];
    }
}
