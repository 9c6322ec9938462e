using Surge.Client;

namespace Surge.Cluster.Tests;

/// <summary>Two silos of two slots each (one pool), no autoscaling, and task policies set in configuration.</summary>
public sealed class PolicyFixture : IAsyncLifetime
{
    public SurgeCluster Surge { get; private set; } = null!;
    public Programs.Scripts Scripts { get; } = new();

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Programs:echo:Executable"] = "/bin/sh",
        ["Surge:Programs:echo:Arguments:0"] = Scripts.Write("echo.sh", Programs.Scripts.Echo),
        ["Surge:Programs:echo:Arguments:1"] = "fixed",
        ["Surge:Programs:echo:PayloadAs"] = "Arguments",
        ["Surge:Programs:hang:Executable"] = "/bin/sh",
        ["Surge:Programs:hang:Arguments:0"] = Scripts.Write("stubborn.sh", Programs.Scripts.Stubborn),
        ["Surge:Programs:hang:Arguments:1"] = Scripts.Dir,
        ["Surge:Policies:Types:hang:SoftTimeLimit"] = "00:00:00.300",
        ["Surge:Policies:Types:hang:HardLimitGrace"] = "00:00:00.500",
        ["Surge:Routing:Mode"] = "single",
        ["Surge:Workers:MaxConcurrency"] = "2",
        ["Surge:Autoscale:Enabled"] = "false",
        ["Surge:Policies:Types:flaky:MaxAttempts"] = "3",
        ["Surge:Policies:Types:flaky:BackoffBase"] = "00:00:00.200",
        ["Surge:Policies:Types:flaky:BackoffMax"] = "00:00:02",
        ["Surge:Policies:Types:flaky:Jitter"] = "0",
        ["Surge:Policies:Types:flaky:NonRetryableErrors:0"] = "ArgumentException",
        ["Surge:Policies:Types:stubborn:SoftTimeLimit"] = "00:00:00.300",
        ["Surge:Policies:Types:stubborn:HardLimitGrace"] = "00:00:00.300",
        ["Surge:Policies:Types:square:Deterministic"] = "true",
        ["Surge:Policies:Types:square:CacheTtl"] = "00:00:02",
    });

    public async Task DisposeAsync()
    {
        await Surge.DisposeAsync();
        Scripts.Dispose();
    }
}

public class PolicyTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    internal static TaskSpec Flaky(int failTimes, string error = "retry")
        => TaskSpec.Create(FlakyHandler.TypeName, $$"""{"fail_times":{{failTimes}},"error":"{{error}}"}""");

    [Fact]
    public async Task Retry_AttemptsExhausted_DeadLetteredThenRetriedWithFreshBudget()
    {
        var spec = Flaky(5);
        var failed = await _client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Failed, 3, true), (failed.State, failed.Attempts, failed.DeadLettered));
        Assert.Contains("attempt 3 failed", failed.Error);
        Assert.Contains(await _client.GetDeadLettersAsync(1_000), d => d.Id == spec.Id);

        var again = await _client.RetryDeadLetterAsync(spec.Id);
        Assert.False(again!.DeadLettered);
        var done = await _client.WaitAsync(spec.Id, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Succeeded, 6), (done.State, done.Attempts)); // attempts 4 and 5 fail, 6 succeeds
        Assert.DoesNotContain(await _client.GetDeadLettersAsync(1_000), d => d.Id == spec.Id);
    }

    [Fact]
    public async Task Retry_EntityEvent_SuccessorWaitsForTheRetriedEvent()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var started = Flaky(2).ForEntity(entity, "started");
        var finished = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "finished", after: "started");
        await _client.SubmitAsync(started);
        await _client.SubmitAsync(finished);

        var first = await _client.WaitAsync(started.Id, TimeSpan.FromSeconds(30));
        var second = await _client.WaitAsync(finished.Id, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Succeeded, 3), (first.State, first.Attempts));
        Assert.Equal(TaskState.Succeeded, second.State);
        Assert.True(second.StartedAt >= first.FinishedAt, "'finished' ran before 'started' had succeeded");
    }

    [Fact]
    public async Task Retry_PerSubmissionMaxAttempts_OverridesTheType()
    {
        var failed = await _client.RunAsync(Flaky(1) with { MaxAttempts = 1 }, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Failed, 1, true), (failed.State, failed.Attempts, failed.DeadLettered));
    }

    [Theory]
    [InlineData("fatal", "the input can never work")] // the handler says so
    [InlineData("argument", "bad argument")]          // the type's policy says so
    public async Task Retry_NonRetryableError_FailsAtOnce(string error, string message)
    {
        var failed = await _client.RunAsync(Flaky(1, error), TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Failed, 1, true), (failed.State, failed.Attempts, failed.DeadLettered));
        Assert.Contains(message, failed.Error);
    }

    [Fact]
    public async Task DeadRetry_SameDeadLetterRetriedManyTimesAtOnce_RunsOnceMore()
    {
        var spec = Flaky(1) with { MaxAttempts = 1 };
        var dead = await _client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Failed, true), (dead.State, dead.DeadLettered));

        var calls = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Record.ExceptionAsync(() => _client.RetryDeadLetterAsync(spec.Id))));

        // One retry: the others name the same dead letter and hear its status (one that read it after the retry's run
        // may find it no longer dead-lettered, and is told so).
        Assert.Contains(calls, e => e is null);
        Assert.All(calls.OfType<Exception>(), e => Assert.Equal("id", Assert.IsType<SurgeValidationException>(e).Field));
        var done = await _client.WaitAsync(spec.Id, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Succeeded, 2), (done.State, done.Attempts));
        Assert.Equal([1, 2], FlakyHandler.Starts[spec.Id]);
    }

    [Fact]
    public async Task DeadLetters_Purge_ForgetsTheTask()
    {
        var spec = Flaky(1) with { MaxAttempts = 1 };
        await _client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal(1, await _client.PurgeDeadLettersAsync(spec.Id));
        Assert.Null(await _client.GetStatusAsync(spec.Id));
        Assert.Equal(0, await _client.PurgeDeadLettersAsync(spec.Id));
    }

    [Fact]
    public async Task TimeLimits_HandlerIgnoresToken_SoftCancelsThenHardFailsAndFreesSlot()
    {
        var spec = TaskSpec.Create(StubbornHandler.TypeName);
        var failed = await _client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Contains("hard time limit", failed.Error);
        Assert.True(StubbornHandler.SawCancel.ContainsKey(spec.Id), "the soft limit should have cancelled the token");
        Assert.False(StubbornHandler.Returned.ContainsKey(spec.Id), "failed while the handler still ran (it sleeps 5 s)");
        Assert.InRange(failed.ActualMs!.Value, 550, 4_000); // soft 300 ms + grace 300 ms
        var pools = await _client.GetPoolsAsync();
        Assert.Equal(0, pools.Sum(p => p.Running)); // its slot is free though the handler has not returned
    }

    [Fact]
    public async Task TimeLimits_SoftLimitPerSubmission_CancelsTheToken()
    {
        var spec = TaskSpec.Create(PatientHandler.TypeName) with { Timeout = TimeSpan.FromMilliseconds(200) };
        var failed = await _client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Contains("soft time limit", failed.Error);
        Assert.True(PatientHandler.Cancelled.ContainsKey(spec.Id));
    }

    [Fact]
    public async Task TimeLimits_EitherLimitPassed_TheAttemptIsRetried()
    {
        var soft = TaskSpec.Create(PatientHandler.TypeName) with { Timeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 2 };
        var hard = TaskSpec.Create(StubbornHandler.TypeName) with { MaxAttempts = 2 }; // soft 300 ms + grace 300 ms

        var done = await Task.WhenAll(_client.RunAsync(soft, TimeSpan.FromSeconds(30)), _client.RunAsync(hard, TimeSpan.FromSeconds(30)));

        Assert.Equal((TaskState.Failed, 2, true), (done[0].State, done[0].Attempts, done[0].DeadLettered));
        Assert.Contains("soft time limit", done[0].Error);
        Assert.Equal((TaskState.Failed, 2, true), (done[1].State, done[1].Attempts, done[1].DeadLettered));
        Assert.Contains("hard time limit", done[1].Error);
    }
}

/// <summary>Retry backoffs on the fake clock ("flaky": 3 attempts, backoff 200 ms doubling, no jitter).</summary>
[Collection("fake clock")]
public class RetryBackoffTests(FakeClockFixture fixture)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Retry_FailsTwiceThenSucceeds_WaitsBackoffBetweenAttempts()
    {
        var spec = PolicyTests.Flaky(2);
        var failedAt = fixture.Clock.GetUtcNow(); // the clock stands still until the test moves it
        await _client.SubmitAsync(spec);

        // Backoff 200 ms then 400 ms (base 200 ms doubling, no jitter), each counted from the failure.
        foreach (var (attempt, backoff) in new[] { (1, FakeClockFixture.BackoffBase), (2, 2 * FakeClockFixture.BackoffBase) })
        {
            var retrying = await Eventually.ValueAsync(() => _client.GetStatusAsync(spec.Id), s => s is { State: TaskState.Retrying } && s.Attempts == attempt,
                $"{spec.Id} retrying after attempt {attempt}");
            Assert.Equal(failedAt + backoff, retrying!.NextAttemptAt);

            fixture.Clock.Advance(backoff - Tick);
            var waiting = await _client.GetStatusAsync(spec.Id);
            Assert.Equal((TaskState.Retrying, attempt), (waiting!.State, waiting.Attempts)); // not before its backoff
            Assert.Equal(attempt, FlakyHandler.Starts[spec.Id].Count);
            fixture.Clock.Advance(Tick);
            failedAt += backoff;
        }

        var status = await _client.WaitAsync(spec.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, status.State);
        Assert.Equal(3, status.Attempts);
        Assert.Equal([1, 2, 3], FlakyHandler.Starts[spec.Id]);
    }
}
