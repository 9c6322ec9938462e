using Surge.Testing;
using System.Net;
using Surge.Cluster.Tests.Redis;

namespace Surge.Cluster.Tests.Processes;

/// <summary>A stopping silo tells Kubernetes it is not ready while it drains, and exits when its work is done.</summary>
[Collection("silo-process")]
public class ReadyDuringDrainTests
{
    [Fact]
    public async Task Ready_AfterSigtermWhileATaskRuns_503UntilExit()
    {
        int gateway = Repo.FreePort(), http = Repo.FreePort(), port = Repo.FreePort();
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={port}", $"--Surge:Ports:PrimarySilo={port}",
            $"--Surge:Ports:Gateway={gateway}", $"--Surge:Ports:Http={http}", "--Surge:Drain:Timeout=00:00:30");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () => (await Http.TryGetAsync(client, "/ready")).Status == HttpStatusCode.OK, "ready", TimeSpan.FromSeconds(60));

        // A task that runs 4 s: the drain waits for it, and meanwhile the silo must say it is not ready.
        using var submit = await ChildProcess.RunDotnetAsync(Repo.CliDll, TimeSpan.FromSeconds(60), "submit", "--type", "simulate",
            "--payload", "{\"duration_ms\":4000}", "--gateway", $"127.0.0.1:{gateway}");
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        Signals.Terminate(silo.Pid);

        await Eventually.TrueAsync(async () => (await Http.TryGetAsync(client, "/ready")) is (HttpStatusCode.ServiceUnavailable, var body) && body.Contains("draining"),
            "503 draining", TimeSpan.FromSeconds(3));
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, silo.ExitCode);
    }
}
