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
    private readonly Dictionary<Task, string> _sentTo = []; // batches on their way to another silo's pools, with that silo
    private readonly HashSet<string> _undelivered = new(StringComparer.Ordinal); // not held by the silo their failed batch went to
    private readonly Dictionary<string, string> _unsure = new(StringComparer.Ordinal); // their batch to this silo failed: arrived or not?
    private readonly Dictionary<string, RouteDecision> _routes = new(StringComparer.Ordinal); // routed by Target, until dispatched

    // Where a dispatch of the task goes, decided before it is stored so its record names the silo that will hold the
    // run: this silo when it hosts every pool (one group: as before groups, the classifier routes later); otherwise the
    // task is routed now and goes to a silo that hosts its pool, null when none does (it waits; see PoolHosts).
    private string? Target(TaskSpec spec)
    {
        if (hosts.HostsEveryPool) return Here;
        var route = router.Route(spec);
        _routes[spec.Id] = route;
        return hosts.Pick(route.Pool);
    }

    // Called once the dispatch is stored. Its run counts as alive from now on (RunAlive), so no upkeep dispatches it
    // again while its batch is on its way. Its span, under the trace its record keeps, ends when the batch is queued.
    private void Dispatch(TaskRecord record)
    {
        _inFlight[record.Id] = _inFlight.GetValueOrDefault(record.Id) + 1;
        _undelivered.Remove(record.Id);
        _unsure.Remove(record.Id);
        var span = TaskSpans.StartDispatch(record.Id, record.Spec.Type, record.Spec.TraceParent, record.Attempts, Here, _shard);
        var remote = record.RanOn is { } silo && silo != Here ? silo : null;
        var dispatch = _routes.Remove(record.Id, out var route)
            ? new TaskDispatch(record.Spec, record.Attempts, span?.Id, route.Pool, route.PredictedMs, route.MemoryMb, record.SubmittedAt)
            : new TaskDispatch(record.Spec, record.Attempts, span?.Id, SubmittedAt: record.SubmittedAt);
        var queued = outbox.Send(dispatch, remote);
        if (remote is not null) _sentTo.TryAdd(queued, remote);
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
        _sentTo.Remove(queued, out var remote);
        foreach (var id in ids!)
        {
            if (--_inFlight[id] == 0) _inFlight.Remove(id);
            // A batch to another silo failed: refused, lost, or arrived with its answer lost (a timeout). Only that silo
            // can say, so the next upkeep asks it (ProbeUnsureAsync); dispatching elsewhere now could run the task twice.
            if (failed is not null && remote is not null) _unsure[id] = remote;
            // Cancelled while on its way: the cancel found nothing to stop then, so it is stopped now. Also when the batch
            // failed: it may have arrived with its answer lost, and a cancel of what a pool does not hold does nothing.
            if (_records.GetValueOrDefault(id) is not { } record || !record.State.IsFinal()) continue;
            if (record.RanOn == Here) pools.Cancel(id, CancelledDispatch(record));
            else if (record.RanOn is { } silo && silo == remote) _ = CancelRemoteRunAsync(record, silo);
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

    // Asks each silo that a failed batch went to which of its tasks it holds. What it does not hold never arrived (or
    // ran and reported, and its record moved on): dispatched again by the recovery that follows. What it holds runs
    // there. A silo that does not answer is asked again at the next upkeep; if it dies, its runs are recovered anyway.
    // "Not held" may be said while the batch is still on its way (a stalled link; the question can overtake it): the
    // silo then bars that attempt, so the batch is dropped if it arrives, and the recovery runs alone.
    private async Task ProbeUnsureAsync()
    {
        if (_unsure.Count == 0) return;
        foreach (var group in _unsure.GroupBy(u => u.Value, u => u.Key).ToList())
        {
            string[] held;
            try
            {
                // The attempt of the dispatch in doubt: the record's, as any later dispatch would have ended the doubt.
                // Built now, after the awaits of the groups before: one dispatched again meanwhile is no longer in doubt,
                // and asking about it would bar its new dispatch there.
                var dispatches = group.Where(id => _unsure.GetValueOrDefault(id) == group.Key).Select(id => _records.GetValueOrDefault(id) is { } r
                    ? new Pools.DispatchProbe(id, r.Attempts, r.SubmittedAt)
                    : new Pools.DispatchProbe(id, 0)).ToArray();
                if (dispatches.Length == 0) continue;
                held = await GrainFactory.GetGrain<Pools.IPoolControl>(group.Key).ProbeAsync(dispatches);
            }
            catch (Exception e)
            {
                LogProbeFailed(group.Count(), group.Key, e.Message);
                continue;
            }
            foreach (var id in group)
            {
                // Dispatched again since the probe was sent: that dispatch is what counts now.
                if (!_unsure.TryGetValue(id, out var silo) || silo != group.Key) continue;
                _unsure.Remove(id);
                if (!held.Contains(id)) _undelivered.Add(id);
                // Held there although cancelled here: its batch arrived after the cancel that followed it did.
                else if (_records.GetValueOrDefault(id) is { } record && record.State.IsFinal() && record.RanOn == group.Key) _ = CancelRemoteRunAsync(record, group.Key);
            }
        }
    }
}
