using Surge.Cluster.Tests.Programs;
using Surge.Cluster.Tests.Redis;
using Xunit.Abstractions;
using static Surge.Cluster.Tests.Faults.FaultSteps;

namespace Surge.Cluster.Tests.Faults;

/// <summary>Issue 13: `surge dead retry` of a dead-lettered entity event runs it again, and its entity moves on.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class DeadRetryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly Scripts _scripts = new();

    [Fact]
    public Task DeadRetry_EntityEvent_RunsAgainAndNextEventRuns()
        => RetryThenNextAsync(entity => (
            TaskSpec.Create("failing").ForEntity(entity, "build.started"),
            TaskSpec.Create("simulate", """{"duration_ms":10}""").ForEntity(entity, "build.finished", after: "build.started")));

    [Fact]
    public Task DeadRetry_SequencedEvent_RunsAgainAndNextSequenceRuns()
        => RetryThenNextAsync(entity => (
            TaskSpec.Create("failing").ForEntity(entity, "step", sequence: 1),
            TaskSpec.Create("simulate", """{"duration_ms":10}""").ForEntity(entity, "step", sequence: 2)));

    private async Task RetryThenNextAsync(Func<string, (TaskSpec Failing, TaskSpec Next)> events)
    {
        var script = _scripts.Write("failing.sh", """echo "$SURGE_ATTEMPT" >> "$1/$SURGE_TASK_ID.runs"; echo "always fails" >&2; exit 1""");
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis, "--Surge:Programs:failing:Executable=/bin/sh", $"--Surge:Programs:failing:Arguments:0={script}",
            $"--Surge:Programs:failing:Arguments:1={_scripts.Dir}", "--Surge:Policies:Types:failing:MaxAttempts=3",
            "--Surge:Policies:Types:failing:BackoffBase=00:00:00.100", "--Surge:Policies:Types:failing:Jitter=0");
        await using var client = await RedisClient.StartAsync(redis);
        var (failing, next) = events($"build/{Guid.NewGuid():N}");
        await client.Surge.SubmitAsync(failing);
        var dead = await FinalOrLastAsync(client.Surge, failing.Id, Limit);
        Assert.True(dead is { State: TaskState.Failed, DeadLettered: true }, $"the failing event should be dead-lettered: {Show(dead)}");
        Assert.Equal(3, Runs(failing.Id));

        using var retry = await SurgeAsync(silo, "dead", "retry", failing.Id);
        Assert.True(retry.ExitCode == 0, $"surge dead retry: {Describe(retry)}");
        await client.Surge.SubmitAsync(next);
        var retried = await FinalOrLastAsync(client.Surge, failing.Id, Limit);
        var after = await FinalOrLastAsync(client.Surge, next.Id, Limit);
        output.WriteLine($"retried event: {Show(retried)}, {Runs(failing.Id)} runs; next event: {Show(after)}");

        Assert.True(retried is { IsFinal: true } && Runs(failing.Id) > 3,
            $"after surge dead retry the event must run again and end final; {Limit} later it is {Show(retried)} and ran {Runs(failing.Id)} times (3 before the retry)");
        Assert.True(after is { State: TaskState.Succeeded }, $"the entity's next event must run after the retried one; {Limit} later it is {Show(after)}");
    }

    private int Runs(string id)
    {
        var path = Path.Combine(_scripts.Dir, id + ".runs");
        return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
    }

    public void Dispose() => _scripts.Dispose();
}
