using Microsoft.Extensions.DependencyInjection;

namespace Surge.Workers;

/// <summary>
/// One run's handler and the DI scope it was resolved from. Disposing it disposes the scope, and with it the
/// run's scoped and transient services (a <c>DbContext</c>), however the run ended.
/// </summary>
internal sealed class HandlerRun(AsyncServiceScope scope, ITaskHandler handler) : IAsyncDisposable
{
    private int _disposed;

    public ITaskHandler Handler { get; } = handler;

    /// <summary>
    /// For a handler abandoned at the hard time limit: its services are disposed when it does return, not while it
    /// may still use them from its own thread (a <c>DbContext</c> is not safe to dispose under a running query).
    /// </summary>
    public void DisposeWhenDone(Task handlerRun)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _ = handlerRun.ContinueWith(static (_, s) => ((AsyncServiceScope)s!).DisposeAsync().AsTask(), scope,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .Unwrap()
            .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? scope.DisposeAsync() : ValueTask.CompletedTask;
}
