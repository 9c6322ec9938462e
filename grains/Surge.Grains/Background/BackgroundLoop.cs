using Microsoft.Extensions.Logging;

namespace Surge.Background;

/// <summary>
/// The one way Surge runs work in the background of a silo: a body run every period of a <see cref="TimeProvider"/>
/// (so a fake clock drives it in tests), or sooner when <see cref="Wake"/>d, until <see cref="StopAsync"/>.
/// </summary>
/// <remarks>
/// The first run comes one period after <see cref="Start"/> (or at the first wake). Periods are counted from the
/// start, not from the end of each run: a run longer than a period is followed at once by one more, never by a burst.
/// A body that throws is logged and runs again at the next tick: nothing but <see cref="StopAsync"/> ends the loop.
/// The body's token is cancelled by <see cref="StopAsync"/>, which returns only once the body has returned.
/// </remarks>
internal sealed partial class BackgroundLoop : IAsyncDisposable
{
    private readonly string _name;
    private readonly Func<CancellationToken, Task> _body;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _minSpacing;
    private readonly CancellationTokenSource _stop = new();
    // Created before the loop task starts, so the clock counts the first period from Start: a fake clock advanced
    // right after Start ticks it, however late the loop task gets to wait.
    private readonly PeriodicTimer _timer;
    private TaskCompletionSource _wake = NewWake();
    private Task _loop = Task.CompletedTask;

    private BackgroundLoop(string name, TimeSpan period, Func<CancellationToken, Task> body, TimeProvider time, ILogger logger, TimeSpan minSpacing)
    {
        _name = name;
        _body = body;
        _time = time;
        _logger = logger;
        _minSpacing = minSpacing;
        _timer = new PeriodicTimer(period, time);
    }

    /// <summary>Starts <paramref name="body"/> every <paramref name="period"/> on a thread-pool thread.</summary>
    /// <param name="name">Names the loop in logs.</param>
    /// <param name="period">Time between runs, counted from the start.</param>
    /// <param name="body">The work; its token is cancelled by <see cref="StopAsync"/>.</param>
    /// <param name="time">The clock that counts periods: a fake one in tests.</param>
    /// <param name="logger">Where a body that throws is logged.</param>
    /// <param name="minSpacing">A wake never runs the body sooner than this after the previous run started.</param>
    public static BackgroundLoop Start(string name, TimeSpan period, Func<CancellationToken, Task> body, TimeProvider time, ILogger logger,
        TimeSpan minSpacing = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSpacing, TimeSpan.Zero);
        var loop = new BackgroundLoop(name, period, body, time, logger, minSpacing);
        loop._loop = Task.Run(loop.RunAsync);
        return loop;
    }

    /// <summary>Runs the body as soon as <c>minSpacing</c> allows instead of at the next tick. Wakes while a run is due coalesce.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Cancels the body's token and waits until the loop has ended (or <paramref name="cancellationToken"/> gives up waiting).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task RunAsync()
    {
        var token = _stop.Token;
        Task<bool>? tick = null;
        long lastRun = 0;
        try
        {
            while (true)
            {
                // One tick wait stays pending across wakes: a PeriodicTimer allows only one waiter at a time.
                tick ??= _timer.WaitForNextTickAsync(token).AsTask();
                if (await Task.WhenAny(tick, Volatile.Read(ref _wake).Task) == tick)
                {
                    await tick; // throws once stopped
                    tick = null;
                }
                if (lastRun != 0 && _time.GetElapsedTime(lastRun) is var since && since < _minSpacing)
                    await Task.Delay(_minSpacing - since, _time, token);
                token.ThrowIfCancellationRequested(); // stopped while it waited: no run with a cancelled token
                // Whatever woke it, this run serves every wake so far; a wake from here on asks for the next run.
                Interlocked.Exchange(ref _wake, NewWake());
                lastRun = _time.GetTimestamp();
                try
                {
                    await _body(token);
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    LogRunFailed(_name, e);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (token.IsCancellationRequested)
        {
            LogStopFailed(_name, e); // the last run failed while stopping: said, never thrown at the one stopping it
        }
        finally
        {
            _timer.Dispose();
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(1, LogLevel.Warning, "Background loop {Loop} failed; it runs again at its next tick")]
    private partial void LogRunFailed(string loop, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Background loop {Loop} failed while stopping")]
    private partial void LogStopFailed(string loop, Exception exception);
}
