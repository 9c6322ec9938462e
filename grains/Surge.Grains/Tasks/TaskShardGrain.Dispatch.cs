using System.Diagnostics;
using Surge.Routing;
using Surge.Telemetry;

namespace Surge.Tasks;

// How stored dispatches reach the pools: through this silo's outbox, in batches, to its classifier grain.
internal sealed partial class TaskShardGrain
{
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal); // dispatched, not yet in a pool
    private readonly Dictionary<Task, List<string>> _sent = []; // outbox batches this shard waits for, with its tasks in each
    private readonly Dictionary<Task, List<Activity>> _spans = []; // their dispatch spans, when traced

    // Called once the dispatch is stored. Its run counts as alive from now on (RunAlive), so no upkeep dispatches it
    // again while its batch is on its way. Its span, under the trace its record keeps, ends when the batch is queued.
    private void Dispatch(TaskRecord record)
    {
        _inFlight[record.Id] = _inFlight.GetValueOrDefault(record.Id) + 1;
        var span = TaskSpans.StartDispatch(record.Id, record.Spec.Type, record.Spec.TraceParent, record.Attempts, Here, _shard);
        var queued = outbox.Send(new TaskDispatch(record.Spec, record.Attempts, span?.Id));
        if (span is not null) (_spans.TryGetValue(queued, out var spans) ? spans : _spans[queued] = []).Add(span);
        if (_sent.TryGetValue(queued, out var ids))
        {
            ids.Add(record.Id);
            return;
        }
        _sent[queued] = [record.Id];
        _ = ArrivedAsync(queued); // one continuation per batch, on this grain's scheduler
    }

    private async Task ArrivedAsync(Task queued)
    {
        Exception? failed = null;
        try
        {
            await queued;
        }
        catch (Exception e)
        {
            // The records say Queued on this silo and no pool holds them: the next upkeep dispatches them again.
            LogDispatchFailed(_sent[queued].Count, e.Message);
            failed = e;
        }
        if (_spans.Remove(queued, out var spans)) EndSpans(spans, failed);
        _sent.Remove(queued, out var ids);
        foreach (var id in ids!)
        {
            if (--_inFlight[id] == 0) _inFlight.Remove(id);
            // Cancelled while on its way: the cancel found nothing to stop then, so it is stopped now.
            if (_records.GetValueOrDefault(id) is { } record && record.State.IsFinal() && record.RanOn == Here) pools.Cancel(id);
        }
    }

    private static void EndSpans(List<Activity> spans, Exception? failed)
    {
        foreach (var span in spans)
        {
            if (failed is not null) SurgeTracing.Fail(span, failed);
            SurgeTracing.StopDetached(span);
        }
    }
}
