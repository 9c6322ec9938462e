namespace Surge.Workers;

internal sealed partial class WorkerExecutor
{
    private DrainMode _drain;
    private int _unsettled; // started (or cancelled while queued) and not yet reported
    private int _handedOver;
    private TaskCompletionSource? _settled;

    /// <summary>Whether this executor is draining: a draining silo is not ready for new work.</summary>
    public bool IsDraining
    {
        get { lock (_lock) return _drain != DrainMode.None; }
    }

    /// <summary>
    /// Stops taking work and waits, up to <paramref name="timeout"/>, until every started task has run and its outcome
    /// is delivered. With <paramref name="handOver"/> (cluster mode) queued and later work is dropped here, because its
    /// durable record makes another silo run it; without it (one process) the queue is run to its end.
    /// </summary>
    public async Task<DrainResult> DrainAsync(bool handOver, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task settled;
        lock (_lock)
        {
            _drain = handOver ? DrainMode.HandOver : DrainMode.Finish;
            if (handOver)
            {
                foreach (var queue in _pools.Select(p => p.Queue).Concat(_caps.Values.Select(c => c.Waiting)))
                {
                    _handedOver += queue.Count;
                    foreach (var item in queue)
                    {
                        ReleaseCapLocked(item, admitNext: false);
                        // Its shard learns it never started: the record is un-dispatched, and the shard's next
                        // activation, elsewhere, runs it without counting a crash.
                        ReportNotStartedLocked(item, HandedOver);
                    }
                    queue.Clear();
                }
            }
            _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (IsSettledLocked()) _settled.TrySetResult();
            settled = _settled.Task;
        }
        try
        {
            await settled.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // What is still running is left to recovery (cluster mode) or lost with the process (one process).
        }
        lock (_lock) return new DrainResult(_handedOver, _unsettled + _pools.Sum(p => p.Queue.Count) + _caps.Values.Sum(c => c.Waiting.Count));
    }

    private bool IsSettledLocked() => _unsettled == 0 && _pools.All(p => p.Queue.Count == 0) && _caps.Values.All(c => c.Waiting.Count == 0);

    private void Settle(WorkItem item)
    {
        lock (_lock)
        {
            Untrack(item);
            _unsettled--;
            if (_settled is not null && IsSettledLocked()) _settled.TrySetResult();
        }
    }
}

/// <summary>What a drain left: work handed to other silos, and work still unfinished when the timeout came.</summary>
internal readonly record struct DrainResult(int HandedOver, int Unfinished);
