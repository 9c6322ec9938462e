namespace Surge.Cluster.Tests.Processes;

/// <summary>Bounds at the edge, from the `surge` CLI to a silo process of two slots.</summary>
public class BoundsAgainstSiloTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Submit_TimeoutOverMaxTimeout_RefusedNamingTimeoutThenOrdinaryTasksSucceed()
    {
        int siloPort = Repo.FreePort(), gatewayPort = Repo.FreePort();
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll,
            $"--Surge:Ports:Silo={siloPort}", $"--Surge:Ports:PrimarySilo={siloPort}", $"--Surge:Ports:Gateway={gatewayPort}",
            $"--Surge:Ports:Http={Repo.FreePort()}", "--Surge:Workers:MaxConcurrency=2");
        await Repo.WaitForPortAsync(gatewayPort, TimeSpan.FromSeconds(60), "the silo",
            () => silo.HasExited ? $"exit code {silo.ExitCode}:\n{silo.Stdout}\n{silo.Stderr}" : null);
        Task<ChildProcess> Surge(params string[] args) => ChildProcess.RunDotnetAsync(Repo.CliDll, Quick, [.. args, "--gateway", $"127.0.0.1:{gatewayPort}"]);

        for (var i = 0; i < 3; i++) // more than the two slots: a refused task must never hold one
        {
            using var refused = await Surge("submit", "--type", "simulate", "--timeout", "50.00:00:00", "--wait");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("timeout: 50.00:00:00 exceeds the limit of 7.00:00:00 (Surge:Tasks:MaxTimeout)", refused.Stderr);
        }

        var ordinary = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Surge("submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--timeout", "00:01:00", "--wait")));
        foreach (var cli in ordinary)
        {
            using (cli)
            {
                Assert.True(cli.ExitCode == 0, cli.Stderr);
                Assert.Contains("Succeeded", cli.Stdout);
            }
        }
    }
}
