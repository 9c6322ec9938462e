using System.Net;

namespace Surge.Cluster.Tests.Processes;

/// <summary>One silo on custom ports, with no Surge:Ports:PrimarySilo, is its own primary and starts.</summary>
[Collection("silo-process")]
public class PrimarySiloDefaultTests
{
    [Fact]
    public async Task Start_CustomPortsWithoutPrimarySilo_Ready()
    {
        int silo = Repo.FreePort(), gateway = Repo.FreePort(), http = Repo.FreePort();
        using var process = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={silo}", $"--Surge:Ports:Gateway={gateway}", $"--Surge:Ports:Http={http}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(5) };

        // Before the default it waited for a primary on 11111 for ever; now /ready says 200 once the silo has started.
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"the silo exited {process.ExitCode}:\n{process.Stdout}\n{process.Stderr}");
            return (await Http.TryGetAsync(client, "/ready")).Status == HttpStatusCode.OK;
        }, "the silo to be ready", TimeSpan.FromSeconds(60));

        using var status = await ChildProcess.RunDotnetAsync(Repo.CliDll, TimeSpan.FromSeconds(60), "status", "--gateway", $"127.0.0.1:{gateway}");
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Contains($":{silo}", status.Stdout); // the pools of this one silo
    }
}
