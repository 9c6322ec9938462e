using System.Diagnostics;
using Surge.Cluster.Tests.Processes;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// `surge submit --wait` (a wait with no timeout) while its silo dies, as real processes on a real Redis: a silo that
/// comes back within the client's <c>Surge:Client:FailoverTimeout</c> does not end the wait; none coming back ends it
/// with one line naming that setting, where it used to wait without end.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class WaitThroughOutageTests(ITestOutputHelper output)
{
    // Slices of 1 s: the CLI is past its first call (submit and wait one slice) once its task has run two of them.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task SubmitWait_EverySiloKilled_EndsWithinFailoverTimeoutNamingIt()
    {
        var failoverTimeout = TimeSpan.FromSeconds(15);
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis);
        var id = $"outage-{Guid.NewGuid():N}";
        using var cli = SubmitAndWait(redis, id, durationMs: 600_000, $"--Surge:Client:FailoverTimeout={failoverTimeout:c}");
        await UntilWaitingAsync(redis, id, cli);

        silo.Kill();
        var sinceKill = Stopwatch.StartNew();
        // The bound, plus the call in flight at the kill (up to the slice and the response margin) and the CLI's stop.
        await ExitWithinAsync(cli, failoverTimeout + TimeSpan.FromSeconds(30));
        var last = cli.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        output.WriteLine($"exit {cli.ExitCode} {sinceKill.Elapsed.TotalSeconds:F1} s after the kill: {last}");

        Assert.Equal(1, cli.ExitCode);
        Assert.StartsWith($"surge: stopped waiting for task '{id}'", last);
        Assert.Contains("Surge:Client:FailoverTimeout", last);
    }

    [Fact]
    public async Task SubmitWait_SiloKilledAndAnotherStartedWithinFailoverTimeout_EndsWithTheTask()
    {
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis);
        var id = $"restart-{Guid.NewGuid():N}";
        using var cli = SubmitAndWait(redis, id, durationMs: 5_000); // the default FailoverTimeout, 60 s
        await UntilWaitingAsync(redis, id, cli);

        silo.Kill();
        var sinceKill = Stopwatch.StartNew();
        using var replacement = await RedisSilo.StartAsync(redis); // declares the dead one dead, then runs the task again
        await ExitWithinAsync(cli, TimeSpan.FromSeconds(180));
        output.WriteLine($"exit {cli.ExitCode} {sinceKill.Elapsed.TotalSeconds:F1} s after the kill");

        Assert.True(cli.ExitCode == 0, $"exit {cli.ExitCode}: {cli.Stderr[^Math.Min(cli.Stderr.Length, 2000)..]}");
        Assert.Contains("Succeeded", cli.Stdout);
    }

    private static ChildProcess SubmitAndWait(RedisServer redis, string id, int durationMs, params string[] settings)
        => ChildProcess.StartDotnet(Repo.CliDll, ["submit", "--type", "simulate", "--id", id, "--payload", $"{{\"duration_ms\":{durationMs}}}", "--wait",
            $"--Surge:Redis:ConnectionString={redis.ConnectionString}", $"--Surge:Client:WaitSlice={Slice:c}", .. settings]);

    // Until the task has run for two wait slices: the CLI is then in its wait loop, not in its first call.
    private static async Task UntilWaitingAsync(RedisServer redis, string id, ChildProcess cli)
    {
        await using var client = await RedisClient.StartAsync(redis);
        await Eventually.ValueAsync(async () => cli.HasExited ? throw new InvalidOperationException($"the CLI exited: {cli.Stderr}") : await client.Surge.GetStatusAsync(id),
            s => s is { State: TaskState.Running, StartedAt: { } at } && DateTimeOffset.UtcNow - at > 2 * Slice, $"{id} running for two wait slices", TimeSpan.FromSeconds(60));
    }

    private static async Task ExitWithinAsync(ChildProcess cli, TimeSpan limit)
    {
        try
        {
            await cli.WaitForExitAsync(limit);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"surge submit --wait still ran {limit.TotalSeconds:F0} s after its silo was killed; stderr ends:\n{cli.Stderr[^Math.Min(cli.Stderr.Length, 2000)..]}");
        }
    }
}
