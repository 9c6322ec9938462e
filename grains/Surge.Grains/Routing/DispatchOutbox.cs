using System.Collections.Concurrent;

namespace Surge.Routing;

/// <summary>
/// This silo's dispatches on their way to the pools: every shard's stored dispatches join one batch per destination,
/// and one batch per destination is in flight at a time, so the grain hops are paid once per batch, not once per task
/// or per shard (group commit, as the shards' journal does for the store). Work for this silo goes to its classifier;
/// work for another silo (silo groups: a pool this silo does not host) to that silo's <see cref="IPoolInbox"/>. Each
/// dispatch learns when its batch is in the pools.
/// </summary>
internal sealed class DispatchOutbox(TaskDispatchPath path, IGrainFactory grains)
{
    private readonly Lane _local = new(path.DispatchAsync);
    private readonly ConcurrentDictionary<string, Lane> _remote = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes once the dispatch is queued (or started) in its pool; faults if its batch could not be handed over.
    /// <paramref name="silo"/>: another silo to run it (its pool routed in the dispatch), or null for this one.
    /// </summary>
    public Task Send(TaskDispatch dispatch, string? silo = null)
        => silo is null ? _local.Send(dispatch) : _remote.GetOrAdd(silo, s => new Lane(b => grains.GetGrain<IPoolInbox>(s).EnqueueAsync(b))).Send(dispatch);

    private sealed class Lane(Func<DispatchBatch, Task> deliver)
    {
        private readonly Lock _lock = new();
        private List<TaskDispatch> _pending = [];
        private TaskCompletionSource _pendingQueued = New();
        private bool _pumping;

        public Task Send(TaskDispatch dispatch)
        {
            lock (_lock)
            {
                _pending.Add(dispatch);
                if (!_pumping)
                {
                    _pumping = true;
                    _ = Task.Run(PumpAsync);
                }
                return _pendingQueued.Task;
            }
        }

        private async Task PumpAsync()
        {
            while (true)
            {
                List<TaskDispatch> batch;
                TaskCompletionSource queued;
                lock (_lock)
                {
                    if (_pending.Count == 0)
                    {
                        _pumping = false;
                        return;
                    }
                    (batch, queued) = (_pending, _pendingQueued);
                    (_pending, _pendingQueued) = ([], New());
                }
                try
                {
                    await deliver(new DispatchBatch([.. batch])).ConfigureAwait(false);
                    queued.SetResult();
                }
                catch (Exception e)
                {
                    queued.SetException(e);
                }
            }
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
