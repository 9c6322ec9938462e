using Surge.Testing;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Surge.Cluster.Tests.Processes;
using Surge.Cluster.Tests.Redis;

namespace Surge.Cluster.Tests.Helm;

/// <summary>
/// The silo program run with exactly the environment the chart gives its container (downward API and Secret
/// resolved as the kubelet would): its probes answer where the chart points them, its status API asks for the chart's
/// HTTP credentials, it joins the cluster the chart names on the Redis of the chart's Secret, and it stops within the
/// grace period.
/// </summary>
[Collection("silo-process")]
[Trait("Category", "Helm")]
public class ChartSiloTests
{
    [Fact]
    public async Task RenderedPod_ProbesAnswerClusterWorksStopsWithinGrace()
    {
        using var redis = await RedisServer.StartAsync();
        var chart = await Helm.TemplateAsync(null, "redis.trial.enabled=false", $"redis.connectionString={redis.ConnectionString}",
            $"ports.silo={Repo.FreePort()}", $"ports.gateway={Repo.FreePort()}", $"ports.http={Repo.FreePort()}",
            "cluster.clusterId=chart-test", "drain.timeoutSeconds=10", "metrics.serviceMonitor.enabled=true");
        // No arguments: all from the pod spec, and simulate, which the chart leaves off, for the task run below.
        var env = new Dictionary<string, string>(PodEnvironment(chart, "jobs")) { ["Surge__Workers__Simulate"] = "true" };
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, env);
        var container = chart.SiloContainer;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{chart.SiloPort("http")}"), Timeout = TimeSpan.FromSeconds(5) };
        string PathOf(string probe) => (string)container[probe]!["httpGet"]!["path"]!;

        await Eventually.TrueAsync(async () => silo.HasExited || (await Http.TryGetAsync(http, PathOf("readinessProbe"))).Status == HttpStatusCode.OK,
            "readiness probe 200", TimeSpan.FromSeconds(90));
        Assert.False(silo.HasExited, silo.Stderr);
        Assert.Equal(HttpStatusCode.OK, (await Http.TryGetAsync(http, PathOf("livenessProbe"))).Status);
        var metrics = await Http.TryGetAsync(http, (string)chart.Single("ServiceMonitor")["spec"]!["endpoints"]![0]!["path"]!);
        Assert.Contains("surge_pool_limit", metrics.Body);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.TryGetAsync(http, "/api/status")).Status);
        var token = env["Surge__Http__Auth__Tokens__chart"];
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { "Authorization", $"Bearer {token}" } } })
        using (var status = await http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }

        // TLS is on by default: the client presents the chart's client certificate.
        await using (var client = await RedisClient.StartAsync(redis, "--Surge:Cluster:ClusterId=chart-test", "--Surge:Cluster:ServiceId=surge",
            $"--Surge:Client:Tls:Directory={ChartTlsTests.ClientCertificate(chart)}"))
        {
            var done = await client.Surge.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":5}"), TimeSpan.FromSeconds(60));
            Assert.Equal(TaskState.Succeeded, done.State);
        }

        var grace = TimeSpan.FromSeconds(int.Parse((string)chart.Silos["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!));
        var clock = Stopwatch.StartNew();
        Signals.Terminate(silo.Pid);
        await silo.WaitForExitAsync(grace);
        Assert.True(clock.Elapsed < grace, $"exit took {clock.Elapsed}, grace {grace}");
        Assert.Equal(0, silo.ExitCode);
    }

    // What the kubelet puts in the container: literal values, downward-API fields, and Secret keys from the rendered Secret.
    internal static Dictionary<string, string> PodEnvironment(Manifests chart, string @namespace, int ordinal = 0)
    {
        var pod = $"{Manifests.Name(chart.Silos)}-{ordinal}";
        string Resolve(JsonNode node)
        {
            if (node is JsonValue value) return (string)value!;
            if (node["fieldRef"] is { } field)
            {
                return (string)field["fieldPath"]! switch
                {
                    "status.podIP" => "127.0.0.1",
                    "metadata.name" => pod,
                    "metadata.namespace" => @namespace,
                    var other => throw new NotSupportedException(other),
                };
            }
            var reference = node["secretKeyRef"] ?? throw new NotSupportedException(node.ToJsonString());
            return (string)chart.Named("Secret", (string)reference["name"]!)["stringData"]![(string)reference["key"]!]!;
        }
        var environment = chart.SiloEnv.ToDictionary(e => e.Key, e => Resolve(e.Value));
        // Secret volumes (the TLS certificates) as files, and the variables that name where they are mounted pointed there.
        foreach (var (mountPath, directory) in MountSecretVolumes(chart))
            foreach (var key in environment.Keys.Where(k => environment[k].StartsWith(mountPath, StringComparison.Ordinal)).ToList())
                environment[key] = directory + environment[key][mountPath.Length..];
        return environment;
    }

    /// <summary>
    /// What the kubelet does with the pod's Secret volumes: each rendered Secret's keys as files in a directory of
    /// their own (named by their content, so a rendering is written once); returns mount path and directory.
    /// </summary>
    internal static IEnumerable<(string MountPath, string Directory)> MountSecretVolumes(Manifests chart)
    {
        var spec = chart.Silos["spec"]!["template"]!["spec"]!;
        foreach (var volume in spec["volumes"]!.AsArray().Where(v => v!["secret"] is not null))
        {
            var name = (string)volume!["name"]!;
            var mount = chart.SiloContainer["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == name)!;
            var data = chart.Named("Secret", (string)volume["secret"]!["secretName"]!)["stringData"]!.AsObject();
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(data.ToJsonString())))[..16];
            var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "surge-chart-mounts", hash)).FullName;
            foreach (var (key, value) in data) File.WriteAllText(Path.Combine(directory, key), (string)value!);
            yield return ((string)mount["mountPath"]!, directory);
        }
    }
}
