using System.Text.Json.Nodes;
using Surge.Cluster.Tests.Helm;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Kubernetes;

/// <summary>
/// A silo process run as the chart's pod number <c>ordinal</c> would run (the rendered container environment), on
/// its own free ports, with its API server the stand-in: the kubelet's part is played by the test, which registers the
/// pod, with the chart's pod labels, in the stand-in before the silo starts.
/// </summary>
internal sealed class ChartPod : IDisposable
{
    private ChartPod(string name, ChildProcess process, int httpPort) => (Name, Process, HttpPort) = (name, process, httpPort);

    public string Name { get; }
    public ChildProcess Process { get; }
    public int HttpPort { get; }

    public static ChartPod Start(Manifests chart, FakeKubernetesPods api, string directory, int ordinal, params (string Name, string Value)[] env)
    {
        var environment = ChartSiloTests.PodEnvironment(chart, api.Namespace, ordinal);
        var name = environment["POD_NAME"];
        api.AddPod(name, Labels(chart));
        var http = Repo.FreePort();
        environment["Surge__Ports__Silo"] = $"{Repo.FreePort()}";
        environment["Surge__Ports__Gateway"] = $"{Repo.FreePort()}";
        environment["Surge__Ports__Http"] = $"{http}";
        environment["KUBECONFIG"] = api.WriteKubeConfig(directory, token: name);
        foreach (var (key, value) in env) environment[key] = value;
        return new(name, ChildProcess.StartDotnet(Repo.SiloDll, environment), http);
    }

    /// <summary>The labels the chart puts on its silo pods.</summary>
    public static Dictionary<string, string> Labels(Manifests chart)
        => chart.Silos["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!);

    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () => Process.HasExited || (await Http.TryGetAsync(http, "/ready")).Status == System.Net.HttpStatusCode.OK,
            $"{Name} ready", limit);
        Assert.False(Process.HasExited, $"{Name} exited:\n{Process.Stdout}\n{Process.Stderr}");
    }

    public void Dispose() => Process.Dispose();
}
