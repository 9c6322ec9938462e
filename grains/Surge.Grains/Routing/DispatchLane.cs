namespace Surge.Routing;

/// <summary>
/// One destination's dispatches: they join one batch, and one batch is in flight at a time (group commit). Sending
/// never waits for a lock held across a delivery: a batch is taken from the lane, then delivered.
/// </summary>
internal sealed class DispatchLane(Func<DispatchBatch, Task> deliver)
{
    private readonly Lock _lock = new();
    private List<TaskDispatch> _pending = [];
    private TaskCompletionSource _pendingQueued = New();
    private bool _pumping;

    /// <summary>When a dispatch was last sent through it (<see cref="TimeProvider.GetTimestamp"/> ticks).</summary>
    public long LastUsed { get; private set; }

    /// <summary>Nothing pending and nothing in flight.</summary>
    public bool Idle
    {
        get
        {
            lock (_lock) return !_pumping;
        }
    }

    /// <summary>Completes once the dispatch's batch is delivered; faults with the delivery's exception.</summary>
    public Task Send(TaskDispatch dispatch, long now)
    {
        lock (_lock)
        {
            LastUsed = now;
            _pending.Add(dispatch);
            if (!_pumping)
            {
                _pumping = true;
                _ = Task.Run(PumpAsync);
            }
            return _pendingQueued.Task;
        }
    }

    // The first batch is never empty (Send starts the pump with a dispatch pending). The lane is idle again before the
    // last batch's senders hear of it, so a sender that has heard finds it idle unless more came meanwhile.
    private async Task PumpAsync()
    {
        while (true)
        {
            List<TaskDispatch> batch;
            TaskCompletionSource queued;
            lock (_lock)
            {
                (batch, queued) = (_pending, _pendingQueued);
                (_pending, _pendingQueued) = ([], New());
            }
            Exception? failed = null;
            try
            {
                await deliver(new DispatchBatch([.. batch])).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failed = e;
            }
            bool more;
            lock (_lock)
            {
                more = _pending.Count > 0;
                if (!more) _pumping = false;
            }
            if (failed is null) queued.SetResult();
            else queued.SetException(failed);
            if (!more) return;
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
