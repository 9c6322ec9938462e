namespace Surge.Workers;

// Tasks while they run: the hard time limit, and cancel requests (which also reach tasks still queued).
internal sealed partial class WorkerExecutor
{
    private readonly Dictionary<string, (WorkItem Item, CancellationTokenSource Token)> _runs = new(StringComparer.Ordinal);
    private long _abandoned;

    /// <summary>Handlers that ignored their cancelled token past the hard limit and were left behind (their threads may still run).</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>
    /// A cancel request: a queued task of this id never starts; a running one has its token cancelled. False when
    /// this executor does not hold the task.
    /// </summary>
    public bool Cancel(string taskId)
    {
        CancellationTokenSource? running = null;
        var found = false;
        lock (_lock)
        {
            foreach (var queue in _pools.Select(p => p.Queue).Concat(_caps.Values.Select(c => c.Waiting)))
            {
                foreach (var queued in queue)
                {
                    if (queued.Spec.Id != taskId) continue;
                    queued.Cancelled = true; // dropped when it reaches the head: queues are FIFO, not searchable
                    found = true;
                }
            }
            if (_runs.TryGetValue(taskId, out var run))
            {
                run.Item.Cancelled = true;
                running = run.Token;
                found = true;
            }
            if (found)
            {
                DispatchLocked(); // a cancelled head may have blocked the queue
                if (_settled is not null && IsSettledLocked()) _settled.TrySetResult(); // a drain may wait for nothing else
            }
        }
        // Outside the lock: cancelling runs the handler's callbacks, which must not run under the executor's lock.
        try
        {
            running?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished meanwhile.
        }
        return found;
    }

    private void Running(WorkItem item, CancellationTokenSource token)
    {
        lock (_lock)
        {
            if (item.Cancelled) token.Cancel(); // cancelled between dequeue and start
            _runs[item.Spec.Id] = (item, token);
        }
    }

    // The soft limit cancels the handler's token; the hard limit stops waiting for it. A handler that never returns
    // (even one that blocks without awaiting) keeps its thread, but no longer its slot or its task.
    private async Task<ReadOnlyMemory<byte>> WithinHardLimitAsync(ITaskHandler handler, TaskContext context, WorkItem item, CancellationTokenSource token, TimeSpan hard)
    {
        var spec = item.Spec;
        try
        {
            using var stopTimer = new CancellationTokenSource();
            var hardTimer = Task.Delay(hard, _time, stopTimer.Token); // armed before the handler can do anything
            var run = Task.Run(() => handler.HandleAsync(context, token.Token).AsTask(), CancellationToken.None);
            if (await Task.WhenAny(run, hardTimer).ConfigureAwait(false) == run)
            {
                stopTimer.Cancel();
                return await run.ConfigureAwait(false);
            }
            Interlocked.Increment(ref _abandoned);
            LogAbandoned(spec.Id, spec.Type, hard);
            _ = run.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TimeoutException($"hard time limit of {hard} reached: the handler ignored its cancelled token and was abandoned, its slot freed");
        }
        finally
        {
            lock (_lock)
            {
                // A re-run of the same id may have replaced this run's entry meanwhile: remove only our own.
                if (_runs.TryGetValue(spec.Id, out var entry) && entry.Item == item) _runs.Remove(spec.Id);
            }
        }
    }
}
