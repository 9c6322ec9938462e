using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using Surge.Cluster.Tests.Processes;
using Surge.Cluster.Tests.Redis;

namespace Surge.Cluster.Tests.Helm;

/// <summary>
/// The chart's mutual TLS: on by default, the silo program started with the environment and the mounted Secret the
/// chart gives its pod, and a client with the chart's client certificate running a task under the role the chart gives it.
/// </summary>
[Collection("silo-process")]
[Trait("Category", "Helm")]
public class ChartTlsTests
{
    [Fact]
    public async Task RenderedPod_DefaultTls_ChartClientCertificateRunsTaskAsItsRole()
    {
        using var redis = await RedisServer.StartAsync();
        var chart = await Helm.TemplateAsync(null, "redis.trial.enabled=false", $"redis.connectionString={redis.ConnectionString}",
            $"ports.silo={Repo.FreePort()}", $"ports.gateway={Repo.FreePort()}", $"ports.http={Repo.FreePort()}", "cluster.clusterId=chart-tls");
        var mountPath = (string)chart.SiloContainer["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "tls")!["mountPath"]!;
        Assert.Equal(mountPath, (string?)chart.SiloEnv["Surge__Tls__Directory"]);
        // The Secret's files where the kubelet would put them, and the variable pointed there.
        var environment = new Dictionary<string, string>(ChartSiloTests.PodEnvironment(chart, "jobs")) { ["Surge__Workers__Simulate"] = "true" }; // for the task below
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{chart.SiloPort("http")}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () => silo.HasExited || (await Http.TryGetAsync(http, "/ready")).Status == HttpStatusCode.OK,
            "readiness probe 200", TimeSpan.FromSeconds(90));
        Assert.False(silo.HasExited, silo.Stderr);

        await using var client = await RedisClient.StartAsync(redis, "--Surge:Cluster:ClusterId=chart-tls", "--Surge:Cluster:ServiceId=surge",
            $"--Surge:Client:Tls:Directory={ClientCertificate(chart)}");
        var done = await client.Surge.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":5}"), TimeSpan.FromSeconds(60));
        Assert.Equal(TaskState.Succeeded, done.State);
        Assert.Equal("CN=surge-client", done.Submitter);
        // The role the chart gives it (tls.client.role, Submit by default): reading dead letters needs Operate.
        Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => client.Surge.GetDeadLettersAsync())).Needed);
        // Its session is stored in Redis, so no silo's death takes it away, and expires once no longer renewed.
        await using (var keys = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"))
        {
            var sessions = new List<RedisKey>();
            await foreach (var key in keys.GetServer(redis.ConnectionString).KeysAsync(pattern: "*clientsession*")) sessions.Add(key);
            var ttl = await keys.GetDatabase().KeyTimeToLiveAsync(Assert.Single(sessions));
            Assert.InRange(ttl ?? TimeSpan.MaxValue, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15));
        }

        // The CLI takes the same client settings from its environment, as a pod's would give them.
        var clientDirectory = ClientCertificate(chart);
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, new Dictionary<string, string>
        {
            ["Surge__Client__Tls__Directory"] = clientDirectory,
            ["Surge__Cluster__ClusterId"] = "chart-tls",
        }, TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--wait", "--gateway", $"127.0.0.1:{chart.SiloPort("gateway")}");
        Assert.True(cli.ExitCode == 0, $"surge submit over TLS exited {cli.ExitCode}:\n{cli.Stdout}\n{cli.Stderr}");
        using var plainCli = await ChildProcess.RunDotnetAsync(Repo.CliDll, new Dictionary<string, string> { ["Surge__Cluster__ClusterId"] = "chart-tls", ["Surge__Client__ConnectTimeout"] = "00:00:03" },
            TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--gateway", $"127.0.0.1:{chart.SiloPort("gateway")}");
        Assert.NotEqual(0, plainCli.ExitCode); // without the certificate it cannot connect, and it says what to set
        Assert.Contains("Surge__Client__Tls__Directory", plainCli.Stderr);
    }

    [Fact]
    public async Task Values_Tls_SourcesRenderTheirCertificatesAndFailWithoutTheirSettings()
    {
        var generated = await Helm.TemplateAsync();
        Assert.Equal(["surge-client-tls", "surge-tls"], generated.OfKind("Secret").Select(Manifests.Name).Where(n => n.EndsWith("-tls")).Order());
        Assert.Equal("CN=surge-client", (string?)generated.SiloEnv["Surge__Security__Clients__0__Subject"]);

        var certManager = await Helm.TemplateAsync(null, "tls.source=certManager", "tls.certManager.issuerRef.name=ca");
        Assert.Equal(["surge-client-tls", "surge-tls"], certManager.OfKind("Certificate").Select(Manifests.Name).Order());
        Assert.DoesNotContain(certManager.OfKind("Secret"), s => Manifests.Name(s).EndsWith("-tls"));

        var existing = await Helm.TemplateAsync(null, "tls.source=existingSecret", "tls.existingSecret=mine");
        Assert.Equal("mine", TlsVolumeSecret(existing));
        Assert.Empty(existing.OfKind("Certificate"));
        Assert.False(existing.SiloEnv.ContainsKey("Surge__Security__Clients__0__Subject"));

        var off = await Helm.TemplateAsync(null, "tls.enabled=false");
        Assert.False(off.SiloEnv.ContainsKey("Surge__Tls__Directory"));
        Assert.Empty(off.OfKind("Certificate"));

        Assert.Contains("tls.existingSecret is empty", await Helm.TemplateErrorAsync("tls.source=existingSecret"));
        Assert.Contains("issuerRef.name is empty", await Helm.TemplateErrorAsync("tls.source=certManager"));
    }

    private static string TlsVolumeSecret(Manifests chart)
        => (string)chart.Silos["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "tls")!["secret"]!["secretName"]!;

    /// <summary>The chart's client certificate Secret as files, as a client's pod would mount it.</summary>
    internal static string ClientCertificate(Manifests chart)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "surge-chart-mounts", "client-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var (key, value) in chart.Named("Secret", "surge-client-tls")["stringData"]!.AsObject())
            File.WriteAllText(Path.Combine(directory, key), (string)value!, Encoding.ASCII);
        return directory;
    }
}
