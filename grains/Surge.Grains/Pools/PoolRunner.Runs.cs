using Surge.Workers;

namespace Surge.Pools;

// Tasks while they run: the hard time limit, and cancel requests (which also reach tasks still queued).
internal sealed partial class PoolRunner
{
    private readonly Dictionary<string, (WorkItem Item, CancellationTokenSource Token)> _runs = new(StringComparer.Ordinal);
    private long _abandoned;

    /// <summary>Handlers that ignored their cancelled token past the hard limit and were left behind (their threads may still run).</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>
    /// A cancel request: a queued task of this id never starts (it reports a not-started outcome at once); a starting
    /// or running one has its token cancelled. False when this silo does not hold the task. With
    /// <paramref name="dispatch"/>, that attempt of the task's record is not taken here from now on (one still on its way).
    /// </summary>
    public bool Cancel(string taskId, DispatchProbe? dispatch = null)
    {
        (WorkItem Item, CancellationTokenSource Token)? running = null;
        bool found;
        lock (_lock)
        {
            // Marked wherever it is: an item dequeued but not yet in _runs sees the mark when it registers (Running).
            found = _ledger.Cancel(taskId, _time.GetTimestamp(), _decisions, dispatch);
            if (_runs.TryGetValue(taskId, out var run)) running = run;
            ActLocked();
        }
        // Outside the lock: cancelling runs the handler's callbacks, which must not run under the pools' lock.
        if (running is { } r) CancelQuietly(r.Item, r.Token);
        return found;
    }

    private Action CancelAction(WorkItem item, CancellationTokenSource token) => () => CancelQuietly(item, token);

    // Cancelling a run's token runs the callbacks its handler registered on it, which are the handler's code and may
    // throw (one that stops a process or a client that is already gone). Cancel runs every callback and then throws
    // them together: the cancel has happened, so that is logged and goes no further. Thrown from the token's own
    // timer (the soft limit) it would be unhandled on a timer thread and end the process; from a cancel request, fail
    // the caller's cancel after its record was stored.
    private void CancelQuietly(WorkItem item, CancellationTokenSource token)
    {
        try
        {
            token.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished meanwhile.
        }
        catch (AggregateException e)
        {
            try
            {
                LogCancelCallbackFailed(e, item.Spec.Id, item.Spec.Type);
            }
            catch (Exception)
            {
                LogCancelCallbackFailed(new UnreadableException(e, e.GetType().Name), item.Spec.Id, item.Spec.Type);
            }
        }
    }

    // False when a cancel marked the item after its start was decided: it is not to run. Registered, a later cancel
    // finds it here and fires its token.
    private bool Running(WorkItem item, CancellationTokenSource token)
    {
        lock (_lock)
        {
            if (item.Cancelled) return false;
            _runs[item.Spec.Id] = (item, token);
            return true;
        }
    }

    private void NotRunning(WorkItem item)
    {
        lock (_lock)
        {
            // A re-run of the same id may have replaced this run's entry meanwhile: remove only our own.
            if (_runs.TryGetValue(item.Spec.Id, out var entry) && entry.Item == item) _runs.Remove(item.Spec.Id);
        }
    }

    // The soft limit cancels the handler's token; the hard limit stops waiting for it. A handler that never returns
    // (even one that blocks without awaiting) keeps its thread, but no longer its slot or its task.
    // An abandoned handler keeps its DI scope until it does return (HandlerRun.DisposeWhenDone).
    private async Task<ReadOnlyMemory<byte>> WithinHardLimitAsync(HandlerRun handler, TaskContext context, WorkItem item, CancellationTokenSource token, TimeSpan hard)
    {
        var spec = item.Spec;
        using var stopTimer = new CancellationTokenSource();
        var hardTimer = Task.Delay(hard, _time, stopTimer.Token); // armed before the handler can do anything
        var run = Task.Run(() => handler.Handler.HandleAsync(context, token.Token).AsTask(), CancellationToken.None);
        if (await Task.WhenAny(run, hardTimer).ConfigureAwait(false) == run)
        {
            stopTimer.Cancel();
            return await run.ConfigureAwait(false);
        }
        Interlocked.Increment(ref _abandoned);
        LogAbandoned(spec.Id, spec.Type, hard);
        _threads.Abandoned();
        _ = run.ContinueWith(static (t, threads) =>
        {
            ((HandlerThreads)threads!).Returned();
            _ = t.Exception;
        }, _threads, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        handler.DisposeWhenDone(run);
        throw new TimeoutException($"hard time limit of {hard} reached: the handler ignored its cancelled token and was abandoned, its slot freed");
    }

    // A service that throws while its scope is disposed has already done the run's work: the outcome stands, and the
    // failure is logged rather than failing the task or the silo.
    private async ValueTask DisposeRunAsync(HandlerRun run, TaskSpec spec)
    {
        try
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            try
            {
                LogScopeDisposeFailed(e, spec.Id, spec.Type);
            }
            catch (Exception)
            {
                LogScopeDisposeFailed(new UnreadableException(e, e.GetType().Name), spec.Id, spec.Type); // formatting it threw: RunAsync must go on
            }
        }
    }
}
