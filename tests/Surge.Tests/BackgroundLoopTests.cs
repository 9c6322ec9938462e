using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Surge.Background;

namespace Surge.Tests;

public class BackgroundLoopTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();
    private readonly ConcurrentQueue<DateTimeOffset> _runs = new(); // the fake clock's time at each run

    private BackgroundLoop Start(Func<CancellationToken, Task>? body = null, TimeSpan minSpacing = default)
        => BackgroundLoop.Start("test", Period, body ?? (_ => Task.CompletedTask), _time, _logger, minSpacing);

    private Task Record(CancellationToken _)
    {
        _runs.Enqueue(_time.GetUtcNow());
        return Task.CompletedTask;
    }

    private Task RunsAsync(int count) => Eventually.ValueAsync(() => Task.FromResult(_runs.Count), runs => runs >= count, $"{count} runs");

    [Fact]
    public async Task Start_EachPeriodOfTheClock_RunsOnceAtTheTick()
    {
        var start = _time.GetUtcNow();
        await using var loop = Start(Record);

        _time.Advance(Period - TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await RunsAsync(1);
        _time.Advance(Period);
        await RunsAsync(2);

        Assert.Equal([start + Period, start + 2 * Period], _runs);
    }

    [Fact]
    public async Task Start_ClockAdvancedBeforeTheLoopWaits_StillTicks()
    {
        // The period counts from Start, not from whenever the loop's task first gets a thread.
        await using var loop = Start(Record);
        _time.Advance(Period);
        await RunsAsync(1);
    }

    [Fact]
    public async Task Run_BodyThrows_LoggedAndTheLoopRunsAgain()
    {
        var calls = 0;
        await using var loop = Start(ct => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : Record(ct));

        _time.Advance(Period);
        await Eventually.TrueAsync(() => _logger.Collector.Count == 1, "the failure logged");
        _time.Advance(Period);
        await RunsAsync(1);

        var failure = _logger.Collector.LatestRecord;
        Assert.Equal((LogLevel.Warning, "boom"), (failure.Level, failure.Exception?.Message));
        Assert.Contains("test", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_BodyRunning_CancelsItsTokenAndWaitsForIt()
    {
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var sawCancel = false;
        var loop = Start(async ct =>
        {
            started.SetResult();
            await finish.Task; // a body that takes its time to wind down
            sawCancel = ct.IsCancellationRequested;
        });
        _time.Advance(Period);
        await started.Task;

        var stop = loop.StopAsync();
        Assert.False(stop.IsCompleted);
        finish.SetResult();
        await stop;

        Assert.True(sawCancel);
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task StopAsync_BodyWaitingOnItsToken_EndsWithoutLoggingAFailure()
    {
        var started = new TaskCompletionSource();
        var loop = Start(async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        _time.Advance(Period);
        await started.Task;

        await loop.StopAsync();

        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task StopAsync_Stopped_NoMoreRunsAndStoppingAgainReturns()
    {
        var loop = Start(Record);
        await loop.StopAsync();
        _time.Advance(10 * Period);
        await loop.StopAsync();

        Assert.Empty(_runs); // StopAsync returned: the loop has ended, nothing can run any more
    }

    [Fact]
    public async Task StopAsync_CallerGivesUp_ReturnsWhileTheBodyStillRuns()
    {
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        await using var loop = Start(async _ =>
        {
            started.SetResult();
            await finish.Task;
        });
        _time.Advance(Period);
        await started.Task;

        using var giveUp = new CancellationTokenSource();
        var stop = loop.StopAsync(giveUp.Token);
        await giveUp.CancelAsync();
        await stop; // does not throw at the one stopping
        finish.SetResult();
    }

    [Fact]
    public async Task Wake_BeforeTheTick_RunsWithoutWaitingForIt()
    {
        var start = _time.GetUtcNow();
        await using var loop = Start(Record);

        loop.Wake();
        await RunsAsync(1);

        Assert.Equal([start], _runs);
    }

    [Fact]
    public async Task Wake_SoonAfterARun_WaitsForMinSpacingThenRunsBeforeTheTick()
    {
        var spacing = TimeSpan.FromMilliseconds(100);
        await using var loop = Start(Record, spacing);
        _time.Advance(Period);
        await RunsAsync(1);

        loop.Wake();
        // The spacing delay may start after a given step of the fake clock: step until the run comes.
        await Eventually.TrueAsync(() =>
        {
            if (_runs.Count < 2) _time.Advance(TimeSpan.FromMilliseconds(10));
            return _runs.Count >= 2;
        }, "the woken run");

        var (first, second) = (_runs.First(), _runs.Last());
        Assert.InRange(second - first, spacing, Period - TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Wake_ManyWhileOneRunIsDue_CoalesceIntoOneRun()
    {
        var release = new TaskCompletionSource();
        var calls = 0;
        await using var loop = Start(async ct =>
        {
            if (Interlocked.Increment(ref calls) == 1) await release.Task;
            await Record(ct);
        });
        loop.Wake();
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 1, "the first run");

        for (var i = 0; i < 5; i++) loop.Wake(); // while the first run is busy
        release.SetResult();
        await RunsAsync(2);
        await loop.StopAsync();

        Assert.Equal(2, _runs.Count);
    }
}
