using System.Reflection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Messaging;
using Surge.Client;

namespace Surge.Tests;

/// <summary>
/// How long a client's wait rides out a cluster it cannot reach: through failovers and restarts, but not past
/// <see cref="SurgeClientOptions.FailoverTimeout"/> without an answer. A stand-in shard and a fake clock; no processes.
/// </summary>
public class ClientWaitTests
{
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    // `surge submit --wait` against silos that were all killed: every call failed for the client's FailoverTimeout
    // and was asked again, without end (three such CLI processes outlived a test's silos).
    [Fact]
    public async Task WaitAsync_NoSiloAnswersForFailoverTimeout_EndsNamingTheSetting()
    {
        var shard = Shards(_ => throw new ConnectionFailedException("Unable to connect to S127.0.0.1:4102:0"), out var cluster);
        var started = _time.GetTimestamp();

        var wait = Client(cluster).WaitAsync("t1");
        await RunClockAsync(wait, FailoverTimeout * 6);

        Assert.True(wait.IsCompleted, $"the wait still ran {FailoverTimeout.TotalSeconds * 6} s after the last answer ({shard.Calls} calls, none answered)");
        var e = await Assert.ThrowsAsync<SurgeUnavailableException>(() => wait);
        Assert.Contains("Surge:Client:FailoverTimeout", e.Message);
        Assert.Contains("'t1'", e.Message);
        Assert.InRange(_time.GetElapsedTime(started), FailoverTimeout, FailoverTimeout + TimeSpan.FromSeconds(2));
    }

    // A timeout bounds how long the caller waits for the task, not how long it rides out a cluster that is gone.
    [Fact]
    public async Task WaitAsync_HourTimeoutNoSiloAnswers_EndsAfterFailoverTimeout()
    {
        Shards(_ => throw new ConnectionFailedException("refused"), out var cluster);

        var wait = Client(cluster).WaitAsync("t1", TimeSpan.FromHours(1));
        await RunClockAsync(wait, FailoverTimeout * 6);

        Assert.True(wait.IsCompleted, "the wait went on without an answer for six times FailoverTimeout");
        Assert.Contains("Surge:Client:FailoverTimeout", (await Assert.ThrowsAsync<SurgeUnavailableException>(() => wait)).Message);
    }

    // A silo restart, then another: each gap is shorter than FailoverTimeout, together they are longer. The bound
    // counts from the last answer, so the wait rides out both and ends with its task.
    [Fact]
    public async Task WaitAsync_TwoOutagesEachShorterThanFailoverTimeout_RidesOutBothAndEndsWithTheTask()
    {
        var gap = FailoverTimeout * 0.7;
        var start = _time.GetUtcNow();
        Shards(now => (now - start) switch
        {
            var t when t < gap => throw new ConnectionFailedException("silo restarting"),
            var t when t < gap + TimeSpan.FromSeconds(1) => Status(TaskState.Running),
            var t when t < 2 * gap + TimeSpan.FromSeconds(1) => throw new TimeoutException("no answer"),
            _ => Status(TaskState.Succeeded),
        }, out var cluster);

        var wait = Client(cluster).WaitAsync("t1");
        await RunClockAsync(wait, FailoverTimeout * 6);

        Assert.True(wait.IsCompletedSuccessfully, $"the wait ended with {wait.Exception?.GetBaseException().Message ?? "nothing (still running)"}");
        Assert.Equal(TaskState.Succeeded, (await wait).State);
    }

    // A store refusal is an answer: a silo took the call and Redis was away. The wait rides it out as before.
    [Fact]
    public async Task WaitAsync_StoreRefusesLongerThanFailoverTimeout_KeepsWaitingUntilTheTaskEnds()
    {
        var start = _time.GetUtcNow();
        Shards(now => now - start < FailoverTimeout * 2 ? throw new SurgeStoreUnavailableException("redis away") : Status(TaskState.Succeeded), out var cluster);

        var wait = Client(cluster).WaitAsync("t1");
        await RunClockAsync(wait, FailoverTimeout * 6);

        Assert.True(wait.IsCompletedSuccessfully, $"the wait ended with {wait.Exception?.GetBaseException().Message ?? "nothing (still running)"}");
    }

    // A cluster whose every task shard answers a wait with what `answer` says at the fake clock's now.
    private ShardStandIn Shards(Func<DateTimeOffset, TaskStatus?> answer, out IClusterClient cluster)
    {
        var shard = DispatchProxy.Create<ITaskShardGrain, ShardStandIn>();
        ((ShardStandIn)(object)shard).Answer(answer, _time);
        cluster = DispatchProxy.Create<IClusterClient, ClusterStandIn>();
        ((ClusterStandIn)(object)cluster).Shard = shard;
        return (ShardStandIn)(object)shard;
    }

    private ISurgeClient Client(IClusterClient cluster)
        => new SurgeClient(cluster, Options.Create(new SurgeClientOptions { FailoverTimeout = FailoverTimeout }), _time);

    private static TaskStatus Status(TaskState state) => new() { Id = "t1", Type = "simulate", State = state };

    // Moves the fake clock along while the wait runs, up to `limit` of its time.
    private async Task RunClockAsync(Task wait, TimeSpan limit)
    {
        var until = _time.GetUtcNow() + limit;
        while (!wait.IsCompleted && _time.GetUtcNow() < until)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1); // not a wait for time: lets the client's continuations run before the clock moves again
        }
    }

    /// <summary>A task shard that answers waits with a function of the time, and counts them.</summary>
    public class ShardStandIn : DispatchProxy
    {
        private Func<DateTimeOffset, TaskStatus?> _answer = _ => null;
        private TimeProvider _time = TimeProvider.System;
        public int Calls;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(ITaskShardGrain.WaitAsync)) throw new NotSupportedException(targetMethod?.Name);
            Interlocked.Increment(ref Calls);
            try
            {
                return Task.FromResult(_answer(_time.GetUtcNow()));
            }
            catch (Exception e)
            {
                return Task.FromException<TaskStatus?>(e);
            }
        }

        internal void Answer(Func<DateTimeOffset, TaskStatus?> answer, TimeProvider time) => (_answer, _time) = (answer, time);
    }

    public class ClusterStandIn : DispatchProxy
    {
        internal object? Shard { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
            => targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } ? Shard : throw new NotSupportedException(targetMethod?.Name);
    }
}
