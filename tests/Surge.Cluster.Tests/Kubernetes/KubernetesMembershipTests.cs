using System.Diagnostics;
using System.Text.Json;
using StackExchange.Redis;
using Surge.Cluster.Tests.Helm;
using Surge.Cluster.Tests.Processes;
using Surge.Cluster.Tests.Redis;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Kubernetes;

/// <summary>
/// Issue 14: with the chart's <c>membership.kubernetes</c>, a silo whose pod is deleted is declared dead at once, by
/// the pod watch of Orleans' Kubernetes hosting, against the stand-in API server.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class KubernetesMembershipTests(ITestOutputHelper output)
{
    /// <summary>From the DELETED event to the membership table in Redis listing the silo Dead.</summary>
    private static readonly TimeSpan DeclaredDeadBound = TimeSpan.FromSeconds(5);

    // Probes alone could not declare it dead within the bound: 3 missed probes of at least 10 s (half of 20 s) each.
    private static readonly (string, string) SlowProbes = ("Surge__Membership__ProbeTimeout", "00:00:20");

    // The agent says why it declared a silo dead at Information; the silo logs Orleans at Warning.
    private static readonly (string, string) AgentLog = ("Logging__LogLevel__Orleans.Hosting.Kubernetes", "Information");

    [Fact]
    public async Task PodDeleted_AfterKillNine_DeclaredDeadWithinSecondsNotAfterProbes()
    {
        using var redis = await RedisServer.StartAsync();
        using var api = new FakeKubernetesPods("jobs");
        var chart = await Helm.Helm.TemplateAsync(null, "redis.trial.enabled=false", $"redis.connectionString={redis.ConnectionString}", "cluster.clusterId=k8s-test");
        var directory = Directory.CreateTempSubdirectory("surge-k8s-").FullName;
        using var survivor = ChartPod.Start(chart, api, directory, 0, SlowProbes, AgentLog);
        await survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        using var doomed = ChartPod.Start(chart, api, directory, 1, SlowProbes, AgentLog);
        await doomed.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(() => api.IsWatching(survivor.Name) && api.IsWatching(doomed.Name), "both silos watching their pods", TimeSpan.FromSeconds(30));

        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var members = (RedisKey)$"{chart.SiloEnv["Surge__Cluster__ServiceId"]}/members/k8s-test";
        Assert.Equal(SiloStatusActive, await StatusAsync(connection.GetDatabase(), members, doomed.Name));

        doomed.Process.KillNow(); // kill -9, as a deleted pod's process is once its grace is up (or at once, with --grace-period=0)
        var deletedAt = api.DeletePod(doomed.Name);
        await Eventually.TrueAsync(async () => await StatusAsync(connection.GetDatabase(), members, doomed.Name) == SiloStatusDead,
            $"{doomed.Name} Dead in the membership table", TimeSpan.FromSeconds(60));
        var declared = Stopwatch.GetElapsedTime(deletedAt);
        output.WriteLine($"pod DELETED -> silo Dead in the membership table: {declared.TotalMilliseconds:F0} ms");

        Assert.True(declared < DeclaredDeadBound, $"declared dead {declared.TotalSeconds:F1} s after its pod was deleted; bound {DeclaredDeadBound.TotalSeconds} s\n{survivor.Process.Stdout}");
        Assert.Contains($"since its corresponding pod, {doomed.Name}, has been deleted", survivor.Process.Stdout);
        Assert.DoesNotContain(api.Requests, r => r.Status >= 400); // every call the agent made was served
    }

    private const int SiloStatusActive = 3, SiloStatusDead = 6;

    // Orleans' Redis membership table: one hash per cluster, a JSON row per silo address (and a "Version" field).
    private static async Task<int?> StatusAsync(IDatabase db, RedisKey members, string siloName)
    {
        foreach (var row in await db.HashGetAllAsync(members))
        {
            if (row.Name == "Version") continue;
            using var entry = JsonDocument.Parse((string)row.Value!);
            if (entry.RootElement.GetProperty("SiloName").GetString() == siloName) return entry.RootElement.GetProperty("Status").GetInt32();
        }
        return null;
    }
}
