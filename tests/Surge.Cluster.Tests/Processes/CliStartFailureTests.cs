using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The `surge` CLI as its own process, with an embedded silo that cannot start: stderr is the one line that says why,
/// not that line beside the host's "Hosting failed to start" and Orleans' start errors, each with its stack trace.
/// </summary>
public class CliStartFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--Surge:Tasks:Retention=banana", "surge: Surge:Tasks:Retention is 'banana'; write a duration")]
    [InlineData("--Surge:Tasks:Retention=00:00:00", "surge: Surge:Tasks:Retention is 00:00:00; set 00:00:01 to 365.00:00:00")]
    public async Task Embedded_SettingThatFailsItsCheck_StderrIsTheOneLine(string setting, string expected)
    {
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, Quick, ["status", "--embedded", .. Ports(Repo.FreePort()), setting]);
        output.WriteLine($"exit {cli.ExitCode}\nstdout:\n{cli.Stdout}\nstderr:\n{cli.Stderr}");

        Assert.Equal(1, cli.ExitCode);
        Assert.StartsWith(expected, Assert.Single(Lines(cli.Stderr)));
        Assert.Empty(Lines(cli.Stdout));
    }

    // Taken by another process: Orleans logged three start errors and the host a fourth, each with its trace, and the
    // CLI printed "surge: AddressInUseException: Address already in use" and the exception again, as for a bug.
    [Fact]
    public async Task Embedded_SiloPortInUse_OneLineNamingThePortsAndTheSettings()
    {
        var taken = Repo.FreePort();
        using var holder = new TcpListener(IPAddress.Loopback, taken);
        holder.Start();
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, Quick, ["status", "--embedded", .. Ports(taken)]);
        output.WriteLine($"exit {cli.ExitCode}\nstdout:\n{cli.Stdout}\nstderr:\n{cli.Stderr}");

        Assert.Equal(1, cli.ExitCode);
        var line = Assert.Single(Lines(cli.Stderr));
        Assert.StartsWith("surge: ", line);
        Assert.Contains($"Surge:Ports:Silo {taken}", line);
        Assert.Contains("in use", line);
    }

    // Orleans checks the endpoints before the host's start-time validation: this was "No listening port specified.
    // Use ISiloBuilder.ConfigureEndpoints(...)", which names no setting a CLI user can change.
    [Fact]
    public async Task Embedded_SiloPortZero_TheSurgeSettingNamed()
    {
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, Quick, ["status", "--embedded", .. Ports(Repo.FreePort()), "--Surge:Ports:Silo=0"]);
        output.WriteLine($"exit {cli.ExitCode}\nstdout:\n{cli.Stdout}\nstderr:\n{cli.Stderr}");

        Assert.Equal(1, cli.ExitCode);
        Assert.Equal("surge: Surge:Ports:Silo is 0; set 1 to 65535.", Assert.Single(Lines(cli.Stderr)));
    }

    // A command that works says nothing on stderr: its silo's drain ended every command with a warning line, and
    // Orleans now and then with one more (a watchdog check "not completed" for as long as the machine had been up, a
    // stop stage that took 3 s under load).
    [Fact]
    public async Task Embedded_CommandThatWorks_StderrEmpty()
    {
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, Quick, ["submit", "--embedded", .. Ports(Repo.FreePort()), "--type", "simulate", "--payload", "{}", "--wait"]);
        output.WriteLine($"exit {cli.ExitCode}\nstdout:\n{cli.Stdout}\nstderr:\n{cli.Stderr}");

        Assert.Equal(0, cli.ExitCode);
        Assert.Empty(Lines(cli.Stderr));
    }

    private static string[] Ports(int silo) => [$"--Surge:Ports:Silo={silo}", $"--Surge:Ports:Gateway={Repo.FreePort()}", "--Surge:Ports:Http=0"];

    // ChildProcess runs programs with DOTNET_gcServer=0, which an Orleans silo notes in two warnings: not what is tested.
    private static string[] Lines(string text)
        => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l != "warn: Orleans.Runtime.Silo[100405]" && !l.Contains("ServerGC", StringComparison.Ordinal))];
}
