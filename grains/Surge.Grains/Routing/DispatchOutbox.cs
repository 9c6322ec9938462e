using System.Collections.Concurrent;

namespace Surge.Routing;

/// <summary>
/// This silo's dispatches on their way to the pools: every shard's stored dispatches join one batch per destination,
/// and one batch per destination is in flight at a time, so the grain hops are paid once per batch, not once per task
/// or per shard (group commit, as the shards' journal does for the store). Work for this silo goes to its classifier;
/// work for another silo (silo groups: a pool this silo does not host) to that silo's <see cref="IPoolInbox"/>. Each
/// dispatch learns when its batch is in the pools.
/// </summary>
/// <remarks>
/// A silo that left the cluster is never sent to again, and pods that restart come back as new silos (a new address or
/// generation), so lanes to other silos are forgotten once idle for <see cref="ForgetAfter"/>: whenever a lane to a
/// silo not seen before is made, which is when silos come and go. A lane forgotten while a send races with it still
/// delivers what it was given; the next send makes a new one.
/// </remarks>
internal sealed class DispatchOutbox
{
    /// <summary>How long a lane to another silo stays after its last dispatch.</summary>
    internal static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private readonly DispatchLane _local;
    private readonly Func<string, DispatchBatch, Task> _deliverTo;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DispatchLane> _remote = new(StringComparer.Ordinal);

    public DispatchOutbox(TaskDispatchPath path, IGrainFactory grains, TimeProvider time)
        : this(path.DispatchAsync, (silo, batch) => grains.GetGrain<IPoolInbox>(silo).EnqueueAsync(batch), time)
    {
    }

    /// <param name="deliverHere">Hands a batch to this silo's pools.</param>
    /// <param name="deliverTo">Hands a batch to another silo's pools.</param>
    /// <param name="time">Whose clock says how long a lane has been idle.</param>
    internal DispatchOutbox(Func<DispatchBatch, Task> deliverHere, Func<string, DispatchBatch, Task> deliverTo, TimeProvider time)
    {
        _local = new DispatchLane(deliverHere);
        _deliverTo = deliverTo;
        _time = time;
    }

    /// <summary>Lanes to other silos held now.</summary>
    internal int RemoteLanes => _remote.Count;

    /// <summary>
    /// Completes once the dispatch is queued (or started) in its pool; faults if its batch could not be handed over.
    /// <paramref name="silo"/>: another silo to run it (its pool routed in the dispatch), or null for this one.
    /// </summary>
    public Task Send(TaskDispatch dispatch, string? silo = null)
    {
        if (silo is null) return _local.Send(dispatch, now: 0); // never forgotten: its last use does not matter
        var now = _time.GetTimestamp();
        if (!_remote.TryGetValue(silo, out var lane))
        {
            ForgetIdle(now);
            lane = _remote.GetOrAdd(silo, s => new DispatchLane(b => _deliverTo(s, b)));
        }
        return lane.Send(dispatch, now);
    }

    private void ForgetIdle(long now)
    {
        foreach (var (silo, lane) in _remote)
            if (lane.Idle && _time.GetElapsedTime(lane.LastUsed, now) >= ForgetAfter) _remote.TryRemove(new(silo, lane));
    }
}
