namespace Surge.Pools;

internal sealed partial class PoolRunner
{
    private TaskCompletionSource? _settled;

    /// <summary>Whether the pools are draining: a draining silo is not ready for new work.</summary>
    public bool IsDraining
    {
        get { lock (_lock) return _ledger.IsDraining; }
    }

    /// <summary>
    /// Stops taking work and waits, up to <paramref name="timeout"/>, until every started task has run and its outcome
    /// is delivered. With <paramref name="handOver"/> (cluster mode) queued and later work is handed back, because its
    /// durable record makes another silo run it; without it (one process) the queue is run to its end.
    /// </summary>
    public async Task<DrainResult> DrainAsync(bool handOver, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task settled;
        lock (_lock)
        {
            _ledger.Drain(handOver, _decisions);
            ActLocked();
            _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_ledger.IsSettled) _settled.TrySetResult();
            settled = _settled.Task;
        }
        try
        {
            await settled.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // What is still running is left to recovery (cluster mode) or lost with the process (one process).
            GiveUp();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            GiveUp(); // the host stopped waiting: the same, with less time
            throw;
        }
        lock (_lock) return new DrainResult(_ledger.HandedOverCount, _ledger.Unfinished);
    }

    /// <summary>
    /// A shard moves to another silo with its backlog: its tasks still queued here (or waiting at a gate) are reported
    /// never started, to the shard wherever it is by then, which dispatches them there. Started ones run on here. How
    /// many were handed back.
    /// </summary>
    public int HandBack(IReadOnlySet<string> taskIds)
    {
        lock (_lock)
        {
            var handedBack = _ledger.HandBack(taskIds, _time.GetTimestamp(), _decisions);
            ActLocked();
            return handedBack;
        }
    }

    private void GiveUp()
    {
        lock (_lock) _ledger.GiveUp();
    }

    private void Settle(WorkItem item)
    {
        lock (_lock)
        {
            _ledger.Settle(item);
            if (_settled is not null && _ledger.IsSettled) _settled.TrySetResult();
        }
    }
}

/// <summary>What a drain left: work handed to other silos, and work still unfinished when the timeout came.</summary>
internal readonly record struct DrainResult(int HandedOver, int Unfinished);
