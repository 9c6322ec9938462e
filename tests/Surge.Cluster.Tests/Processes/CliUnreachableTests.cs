using Surge.Testing;

namespace Surge.Cluster.Tests.Processes;

/// <summary>The `surge` CLI as its own process, with no silo to reach.</summary>
public class CliUnreachableTests
{
    // The command says in one line what failed and what to do; before, Orleans' client logged each failed connection
    // attempt with its stack trace ahead of it (47 lines on stderr for one refused gateway in 30 s).
    [Fact]
    public async Task Status_GatewayRefusesConnections_OneLineSaysWhatToDo()
    {
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, new Dictionary<string, string> { ["Surge__Client__ConnectTimeout"] = "00:00:05" },
            TimeSpan.FromSeconds(60), "status", "--gateway", $"127.0.0.1:{Repo.FreePort()}");

        Assert.Equal(1, cli.ExitCode);
        var lines = cli.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{lines.Length} lines on stderr:\n{cli.Stderr}");
        Assert.StartsWith("surge: cannot reach gateway", lines[0]);
    }
}
