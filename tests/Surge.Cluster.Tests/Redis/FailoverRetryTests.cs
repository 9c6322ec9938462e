using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Polly;
using Surge.Client;
using Surge.Hosting;

namespace Surge.Cluster.Tests.Redis;

/// <summary>How the client tells a store refusal from a failover, and the options that bound both. No processes.</summary>
public class FailoverRetryTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Pipeline_StoreRefuses_FailsAfterMaxRetries()
    {
        var attempts = 0;
        var call = Run(new SurgeClientOptions { MaxRetries = 3 }, () => { attempts++; throw new SurgeStoreUnavailableException("redis away"); });
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => call);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task Pipeline_SiloDiesThenShardMoves_RetriesUntilItAnswers()
    {
        var attempts = 0;
        var answer = await Run(new SurgeClientOptions { MaxRetries = 1 }, () => ++attempts < 12 ? throw new SiloUnavailableException("dead") : 42);
        Assert.Equal(42, answer);
        Assert.Equal(12, attempts); // more than MaxRetries: a failover is bounded by time, not by a count
    }

    [Fact]
    public async Task Pipeline_CallCancelledByTheRuntimeNotTheCaller_RetriedAsAFailover()
    {
        var attempts = 0;
        var answer = await Run(new SurgeClientOptions(), () => ++attempts < 3 ? throw new OperationCanceledException() : 7);
        Assert.Equal((7, 3), (answer, attempts)); // bench chaos saw one 1.4 s after a kill -9, refused as a failure until this
    }

    [Fact]
    public async Task Pipeline_NoSiloAnswers_GivesUpAfterFailoverTimeout()
    {
        var started = _time.GetTimestamp();
        var call = Run(new SurgeClientOptions { FailoverTimeout = TimeSpan.FromSeconds(10) }, () => throw new TimeoutException("no answer"));
        await Assert.ThrowsAsync<TimeoutException>(() => call);
        var took = _time.GetElapsedTime(started);
        Assert.InRange(took, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10) + TransientFaults.FailoverMaxDelay);
    }

    [Fact]
    public void IsTransient_CallCancelledByTheRuntime_TransientUnlessTheCallerCancelled()
    {
        // The runtime gives up a call in flight to a silo that died as cancelled; a view over every silo leaves that
        // silo out. Only the caller's own cancellation ends the view.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.True(TransientFaults.IsTransient(new OperationCanceledException(), CancellationToken.None));
        Assert.False(TransientFaults.IsTransient(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.True(TransientFaults.IsTransient(new SurgeStoreUnavailableException("redis away"), cancelled.Token));
        Assert.False(TransientFaults.IsTransient(new InvalidOperationException(), CancellationToken.None));
    }

    [Fact]
    public void ClientValidator_FailoverTimeoutOutOfRange_NamesKeyAndRange()
    {
        var result = new SurgeClientOptionsValidator().Validate(null, new SurgeClientOptions { FailoverTimeout = TimeSpan.FromMinutes(11) });
        Assert.Contains("Surge:Client:FailoverTimeout", result.FailureMessage);
        Assert.Contains("00:00:01 to 00:10:00", result.FailureMessage);
        Assert.True(new SurgeClientOptionsValidator().Validate(null, new SurgeClientOptions()).Succeeded);
    }

    [Fact]
    public void MembershipValidator_EveryBadValue_NamedAtOnce()
    {
        var result = new MembershipOptionsValidator().Validate(null, new MembershipOptions { ProbeTimeout = TimeSpan.FromMilliseconds(100), MissedProbes = 1, Votes = 0, IAmAlivePeriod = TimeSpan.FromMinutes(2) });
        Assert.Equal(4, result.Failures!.Count());
        Assert.All(["ProbeTimeout", "MissedProbes", "Votes", "IAmAlivePeriod"], key => Assert.Contains($"Surge:Membership:{key}", result.FailureMessage));
        Assert.True(new MembershipOptionsValidator().Validate(null, new MembershipOptions()).Succeeded);
    }

    // Runs one call through the client's pipeline, moving the fake clock along while it waits between tries.
    private async Task<int> Run(SurgeClientOptions options, Func<int> attempt)
    {
        var pipeline = TransientFaults.CreatePipeline(options, _time);
        var context = ResilienceContextPool.Shared.Get();
        TransientFaults.MarkStart(context, _time);
        var call = pipeline.ExecuteAsync(_ => ValueTask.FromResult(attempt()), context).AsTask();
        while (!call.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1); // not a wait for time: lets the pipeline's continuations run before the clock moves again
        }
        return await call;
    }
}
