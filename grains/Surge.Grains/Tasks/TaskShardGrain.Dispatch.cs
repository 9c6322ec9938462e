using Surge.Routing;

namespace Surge.Tasks;

// How stored dispatches reach the pools: in batches, one call to this silo's classifier per turn of the shard.
internal sealed partial class TaskShardGrain
{
    private List<TaskDispatch>? _outbox;
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal); // dispatched, not yet in a pool

    // Called once the dispatch is stored. Its run counts as alive from now on (RunAlive), so no upkeep dispatches it
    // again while the batch is on its way.
    private void Dispatch(TaskRecord record)
    {
        _inFlight[record.Id] = _inFlight.GetValueOrDefault(record.Id) + 1;
        if (_outbox is null)
        {
            _outbox = [];
            _ = FlushAsync();
        }
        _outbox.Add(new TaskDispatch(record.Spec, record.Attempts));
    }

    private async Task FlushAsync()
    {
        // Every commit whose store write completed with this one continues before us: they join this batch.
        await Task.Yield();
        var batch = _outbox!;
        _outbox = null;
        try
        {
            await dispatch.DispatchAsync(new DispatchBatch([.. batch]));
        }
        catch (Exception e)
        {
            // The records say Queued on this silo and no pool holds them: the next upkeep dispatches them again.
            LogDispatchFailed(batch.Count, e.Message);
        }
        foreach (var item in batch)
        {
            var id = item.Spec.Id;
            if (--_inFlight[id] == 0) _inFlight.Remove(id);
            // Cancelled while on its way: the cancel found nothing to stop then, so it is stopped now.
            if (_records.GetValueOrDefault(id) is { } record && record.State.IsFinal() && record.RanOn == Here) pools.Cancel(id);
        }
    }
}
