using System.Diagnostics;
using Surge.Cluster.Tests.Programs;
using Surge.Cluster.Tests.Redis;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Issue 13: a task that kills its silo each time it runs is dead-lettered as poison past MaxAttempts plus
/// <c>Surge:Tasks:MaxCrashRecoveries</c>, instead of moving from silo to silo for ever (three real silos on Redis,
/// each killed one restarted so that one is always alive).
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class CrashRecoveryLimitTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    // The program's parent is the silo process (dotnet runs Surge.Silo.dll in its own process): the run kills it.
    private const string Poison = """
        echo "$SURGE_ATTEMPT $PPID" >> "$1/runs"
        kill -9 $PPID
        sleep 5
        """;

    private readonly Scripts _scripts = new();

    [Fact]
    public async Task CrashRecovery_TaskKillsItsSilo_DeadLetteredAfterMaxCrashRecoveries()
    {
        string[] settings = ["--Surge:Programs:poison:Executable=/bin/sh", $"--Surge:Programs:poison:Arguments:0={_scripts.Write("poison.sh", Poison)}",
            $"--Surge:Programs:poison:Arguments:1={_scripts.Dir}", "--Surge:Policies:Types:poison:MaxAttempts=1", "--Surge:Tasks:MaxCrashRecoveries=1"];
        using var redis = await RedisServer.StartAsync();
        var silos = new List<RedisSilo>();
        var pids = new HashSet<string>();
        try
        {
            var starts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RedisSilo.StartAsync(redis, settings)));
            silos.AddRange(starts);
            pids.UnionWith(starts.Select(s => s.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var spec = TaskSpec.Create("poison");
            var clock = Stopwatch.StartNew();
            await using var client = await RedisClient.StartAsync(redis);
            // The task can kill the gateway before its answer reaches the client, and its recovery a second silo: the
            // submission rides that out by retrying, and only while the loop below replaces the dead silos can it
            // succeed (one survivor alone cannot vote two silos dead).
            var submitted = client.Surge.SubmitAsync(spec);

            TaskStatus? status = null;
            var restarting = new List<Task<RedisSilo>>();
            try
            {
                // Each look also replaces the silos the task killed, so that one is always alive to recover it.
                await Eventually.TrueAsync(async () =>
                {
                    foreach (var dead in silos.Where(s => s.Process.HasExited).ToList())
                    {
                        silos.Remove(dead);
                        dead.Dispose();
                        restarting.Add(RedisSilo.StartAsync(redis, settings));
                    }
                    foreach (var started in restarting.Where(t => t.IsCompleted).ToList())
                    {
                        restarting.Remove(started);
                        var silo = await started;
                        silos.Add(silo);
                        pids.Add(silo.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    if (await TryStatusAsync(redis, spec.Id) is (true, var read)) status = read; // else: keep the last status read
                    return status is { IsFinal: true } || submitted.IsFaulted;
                }, $"{spec.Id} final", Bound);
            }
            catch (TimeoutException)
            {
                // Not final within the bound: the assertions below say what was seen.
            }
            foreach (var late in restarting) silos.Add(await late);
            await submitted; // acknowledged, or the test fails with the client's refusal

            var runs = File.Exists(Path.Combine(_scripts.Dir, "runs")) ? File.ReadAllLines(Path.Combine(_scripts.Dir, "runs")) : [];
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {FaultSteps.Show(status)}; runs (attempt, killed pid): {string.Join("; ", runs)}");
            Assert.NotEmpty(runs);
            Assert.All(runs, r => Assert.Contains(r.Split(' ')[1], pids)); // the run's parent, which it killed, was a silo
            Assert.True(status is { IsFinal: true },
                $"not final {Bound} after submission: the handler ran {runs.Length} times, each killing its silo, and the task is {FaultSteps.Show(status)} (MaxAttempts 1, MaxCrashRecoveries 1: it should be dead-lettered after 2 runs)");
            Assert.True(status is { State: TaskState.Failed, DeadLettered: true }, $"should be Failed and dead-lettered as poison: {FaultSteps.Show(status)}");
            Assert.Contains("stopped", status.Error);
            Assert.True(runs.Length <= 2, $"ran {runs.Length} times; MaxAttempts 1 plus MaxCrashRecoveries 1 allow 2");
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }

    // A client of its own each time: the silos it knew may be dead, and a call to a shard being moved may hang.
    private static async Task<(bool Read, TaskStatus? Status)> TryStatusAsync(RedisServer redis, string id)
    {
        try
        {
            await using var client = await RedisClient.StartAsync(redis).WaitAsync(TimeSpan.FromSeconds(10));
            return (true, await client.Surge.GetStatusAsync(id).WaitAsync(TimeSpan.FromSeconds(5)));
        }
        catch (Exception e) when (e is TimeoutException or Surge.Client.SurgeUnavailableException or Orleans.Runtime.OrleansException or InvalidOperationException)
        {
            return (false, null);
        }
    }

    public void Dispose() => _scripts.Dispose();
}
