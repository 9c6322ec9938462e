using System.Diagnostics;
using Surge.Cluster.Tests.Programs;
using Surge.Cluster.Tests.Redis;
using Surge.Faults;
using Xunit.Abstractions;
using static Surge.Cluster.Tests.Faults.FaultSteps;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Issue 13: a silo whose Redis link is cut (bytes dropped, connections left open) must not acknowledge what it could
/// not store. The silo reaches Redis through a <see cref="TcpLinkCutter"/>; so does its Orleans membership, which a
/// single silo rides out. The test's own client reaches Redis directly and the CLI only the silo's gateway: the
/// observers must not be blinded by the cut they inject.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class LinkCutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Cancel_LinkCutThenSiloKilled_FinalStateSeenNeverChanges()
    {
        // Attempt 1 outlasts the cut; a re-run (attempt 2 or more) ends quickly, so an undone cancel shows in seconds.
        using var scripts = new Scripts();
        var sleeper = scripts.Write("sleeper.sh", """[ "$SURGE_ATTEMPT" = "1" ] && exec sleep 60; sleep 1""");
        string[] programs = ["--Surge:Programs:sleeper:Executable=/bin/sh", $"--Surge:Programs:sleeper:Arguments:0={sleeper}"];
        using var redis = await RedisServer.StartAsync();
        await using var link = new TcpLinkCutter("127.0.0.1", redis.Port);
        using var first = await RedisSilo.StartAsync(redis, [$"--Surge:Redis:ConnectionString={link.Endpoint}", .. programs]);
        await using var client = await RedisClient.StartAsync(redis);
        var spec = TaskSpec.Create("sleeper");
        await client.Surge.SubmitAsync(spec); // its shard is on the only silo, and stays there while the task is unfinished
        await Eventually.ValueAsync(() => client.Surge.GetStatusAsync(spec.Id), s => s?.State == TaskState.Running, $"{spec.Id} running", TimeSpan.FromSeconds(30));
        // A lone new silo cannot join while the dead one is still listed active (Orleans waits for its IAmAlive to go
        // stale, minutes), so the silo that takes over is a bystander that joined before, with its own link to Redis.
        using var second = await RedisSilo.StartAsync(redis, programs);
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        link.Cut();
        var clock = Stopwatch.StartNew();
        using var cancel = await SurgeAsync(first, "cancel", spec.Id);
        using var status = await SurgeAsync(first, "status", spec.Id);
        output.WriteLine($"during the cut: surge cancel {Describe(cancel)} ({clock.Elapsed.TotalSeconds:F1} s); surge status {Describe(status)}");
        // What a client read as final: the cancel's own answer, or a status read afterwards.
        var seen = new[] { cancel, status }.Where(c => c.ExitCode == 0).Select(State).FirstOrDefault(s => s is "Cancelled" or "Succeeded" or "Failed");

        first.Kill();
        link.Heal();
        await using var after = await RedisClient.StartAsync(redis);
        var final = await FinalOrLastAsync(after.Surge, spec.Id, RecoveryLimit);
        output.WriteLine($"after kill -9 and heal, on the second silo: {Show(final)}");

        Assert.True(final is { IsFinal: true }, $"not final {RecoveryLimit} after the kill: {Show(final)}");
        if (seen is not null)
            Assert.True(final.State.ToString() == seen,
                $"a final state a client once read never changes: the CLI read {seen} while the Redis link was cut; after kill -9 and heal the task ended {Show(final)}");
        else
            Assert.NotEqual(TaskState.Cancelled, final.State); // the cancel was refused, and no later cancel succeeded
    }

    [Fact]
    public async Task Submit_DuplicateWhileLinkCut_AcceptedOnlyOnceStored()
    {
        using var redis = await RedisServer.StartAsync();
        await using var link = new TcpLinkCutter("127.0.0.1", redis.Port);
        using var silo = await RedisSilo.StartAsync(redis, $"--Surge:Redis:ConnectionString={link.Endpoint}");
        await using var client = await RedisClient.StartAsync(redis);
        var id = $"dup-{Guid.NewGuid():N}";
        var warm = Enumerable.Range(0, 100_000).Select(i => $"warm-{i}-{id}").First(w => TaskShards.For(w) == TaskShards.For(id));
        Assert.Equal(TaskState.Succeeded, (await client.Surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""", id: warm))).State);

        link.Cut();
        string[] submit = ["submit", "--type", "simulate", "--payload", """{"duration_ms":10}""", "--id", id, "--Surge:Client:MaxRetries=1"];
        var firstRun = SurgeAsync(silo, submit);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the scenario: two calls 1 s apart
        using var second = await SurgeAsync(silo, submit);
        using var first = await firstRun;
        link.Heal();
        output.WriteLine($"during the cut: first submit {Describe(first)}; second submit {Describe(second)}");

        var accepted = new[] { ("first", first), ("second", second) }.Where(c => c.Item2.ExitCode == 0).ToList();
        if (accepted.Count == 0) return; // nothing acknowledged: nothing owed
        using var status = await SurgeAsync(silo, "status", id);
        output.WriteLine($"after heal: surge status {Describe(status)}");
        Assert.True(status.ExitCode == 0,
            $"the {accepted[0].Item1} submit exited 0 ({State(accepted[0].Item2)}) while the link was cut, but after heal surge status said: {Describe(status)}: an acknowledged task was lost");
        var final = await FinalOrLastAsync(client.Surge, id, RecoveryLimit);
        Assert.True(final is { IsFinal: true }, $"acknowledged, but not final {RecoveryLimit} after the heal: {Show(final)}");
    }
}
