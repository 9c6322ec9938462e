namespace Surge.Routing;

/// <summary>
/// This silo's dispatches on their way to its classifier: every shard's stored dispatches join one batch, and one
/// batch is in flight at a time, so the two grain hops are paid once per batch, not once per task or per shard
/// (group commit, as the shards' journal does for the store). Each dispatch learns when its batch is in the pools.
/// </summary>
internal sealed class DispatchOutbox(TaskDispatchPath path)
{
    private readonly Lock _lock = new();
    private List<TaskDispatch> _pending = [];
    private TaskCompletionSource _pendingQueued = New();
    private bool _pumping;

    /// <summary>Completes once the dispatch is queued (or started) in its pool; faults if its batch could not be handed over.</summary>
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
                await path.DispatchAsync(new DispatchBatch([.. batch])).ConfigureAwait(false);
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
