using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surge.Hosting;
using Surge.Pools;

namespace Surge.Tests;

/// <summary>A silo's stop that outlasts its timeout ends the process (the kill itself is replaced here).</summary>
public class StopDeadlineTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new();
    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private readonly List<TimeSpan> _ended = [];

    private async Task StartAsync(DrainSignal? drain = null)
        => await new StopDeadline(_lifetime, Options.Create(new HostOptions { ShutdownTimeout = StopTimeout }), _clock, drain) { End = _ended.Add }.StartAsync(default);

    [Fact]
    public async Task Stop_OutlastsTheTimeoutAndMargin_EndsTheProcessThen()
    {
        await StartAsync();
        _clock.Advance(TimeSpan.FromMinutes(10)); // running: no deadline
        _lifetime.StopApplication();
        _clock.Advance(StopTimeout + StopDeadline.Margin - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_ended);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([StopTimeout + StopDeadline.Margin], _ended);
    }

    // A chaos run: drained in 1.5 s, then stuck on its leaving (a Redis cut) until the stop timeout and margin, 18 s more.
    [Fact]
    public async Task Stop_DrainedEarlyThenStuck_EndsOrleansShareAndMarginAfterTheDrain()
    {
        var drain = new DrainSignal();
        await StartAsync(drain);
        _lifetime.StopApplication();
        _clock.Advance(TimeSpan.FromSeconds(2));
        drain.Fire();
        var afterDrain = SiloDrain.OrleansShare(StopTimeout) + StopDeadline.Margin; // 10 s + 5 s
        _clock.Advance(afterDrain - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_ended);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([TimeSpan.FromSeconds(2) + afterDrain], _ended);
    }

    [Fact]
    public async Task Stop_DrainedLate_TheStopTimeoutStillRules()
    {
        var drain = new DrainSignal();
        await StartAsync(drain);
        _lifetime.StopApplication();
        _clock.Advance(StopTimeout - TimeSpan.FromSeconds(2)); // drained at 28 s: Orleans' share would end past the deadline
        drain.Fire();
        _clock.Advance(TimeSpan.FromSeconds(2) + StopDeadline.Margin);
        Assert.Equal([StopTimeout + StopDeadline.Margin], _ended);
    }

    [Fact]
    public async Task Stop_EndsInTime_ProcessLeftToExitByItself()
    {
        await StartAsync();
        _lifetime.StopApplication();
        _clock.Advance(StopTimeout);
        _lifetime.NotifyStopped();
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(_ended);
    }
}
