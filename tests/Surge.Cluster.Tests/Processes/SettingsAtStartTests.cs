namespace Surge.Cluster.Tests.Processes;

/// <summary>A silo whose settings fail their checks says why on stderr, a line per failure, and exits 1: no trace.</summary>
public class SettingsAtStartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Start_TwoSettingsInvalid_ExitsWithCode1NamingEach()
    {
        var shared = Repo.FreePort();
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={Repo.FreePort()}", $"--Surge:Ports:Gateway={shared}",
            $"--Surge:Ports:Http={shared}", "--Surge:Redis:StartupTimeout=02:00:00");
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exit {silo.ExitCode}:\n{silo.Stderr}");

        Assert.Equal(1, silo.ExitCode);
        var lines = silo.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("surge silo: Surge:Ports:", StringComparison.Ordinal) && l.Contains("give each its own port"));
        Assert.Contains(lines, l => l.StartsWith("surge silo: Surge:Redis:StartupTimeout", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", silo.Stderr);
    }

    // Orleans checks the endpoints Surge's ports set before the host's start-time validation runs: a port of 0 was
    // said as Orleans' "No listening port specified. Use ISiloBuilder.ConfigureEndpoints(...)", naming no setting.
    [Fact]
    public async Task Start_SiloPortZero_ExitsWithCode1NamingTheSurgeSetting()
    {
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, "--Surge:Ports:Silo=0", $"--Surge:Ports:Gateway={Repo.FreePort()}",
            $"--Surge:Ports:Http={Repo.FreePort()}");
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exit {silo.ExitCode}:\n{silo.Stderr}");

        Assert.Equal(1, silo.ExitCode);
        Assert.Equal("surge silo: Surge:Ports:Silo is 0; set 1 to 65535.", Assert.Single(Lines(silo.Stderr)));
    }

    // The line on stderr was right, but the host also logged "Hosting failed to start" with the binder's trace (55
    // lines) on stdout: a reason and an exit code, not a trace, means none at all at the default log level.
    [Fact]
    public async Task Start_SettingNotOfItsType_TheLineAndNoTrace()
    {
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={Repo.FreePort()}", $"--Surge:Ports:Gateway={Repo.FreePort()}",
            $"--Surge:Ports:Http={Repo.FreePort()}", "--Surge:Tasks:Retention=banana");
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exit {silo.ExitCode}:\nstdout:\n{silo.Stdout}\nstderr:\n{silo.Stderr}");

        Assert.Equal(1, silo.ExitCode);
        Assert.StartsWith("surge silo: Surge:Tasks:Retention is 'banana'", Assert.Single(Lines(silo.Stderr)));
        Assert.DoesNotContain("Hosting failed to start", silo.Stdout);
        Assert.DoesNotContain(Lines(silo.Stdout), l => l.StartsWith("at ", StringComparison.Ordinal));
    }

    // A port another process holds: Orleans and the host logged the failure four times with its trace, and the
    // exception went unhandled, an abort (exit 134).
    [Fact]
    public async Task Start_SiloPortInUse_ExitsWithCode1NamingThePortsAndNoTrace()
    {
        var taken = Repo.FreePort();
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, taken);
        holder.Start();
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={taken}", $"--Surge:Ports:Gateway={Repo.FreePort()}",
            $"--Surge:Ports:Http={Repo.FreePort()}");
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exit {silo.ExitCode}:\nstdout:\n{silo.Stdout}\nstderr:\n{silo.Stderr}");

        Assert.Equal(1, silo.ExitCode);
        var line = Assert.Single(Lines(silo.Stderr));
        Assert.StartsWith("surge silo: ", line);
        Assert.Contains($"Surge:Ports:Silo {taken}", line);
        Assert.DoesNotContain(Lines(silo.Stdout), l => l.StartsWith("at ", StringComparison.Ordinal));
    }

    // Ports are read as the host is built, to configure Orleans and Kestrel: a value that is not a number threw from
    // AddSurgeSilo in Program.cs, an unhandled exception with a trace and an abort (exit 134).
    [Fact]
    public async Task Start_PortNotANumber_ExitsWithCode1NamingItAndWhatToWrite()
    {
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={Repo.FreePort()}", $"--Surge:Ports:Gateway={Repo.FreePort()}",
            "--Surge:Ports:Http=eighty");
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exit {silo.ExitCode}:\n{silo.Stderr}");

        Assert.Equal(1, silo.ExitCode);
        Assert.Contains(silo.Stderr.Split('\n'), l => l.StartsWith("surge silo: Surge:Ports:Http is 'eighty'", StringComparison.Ordinal) && l.Contains("a whole number"));
        Assert.DoesNotContain("Unhandled exception", silo.Stderr);
    }

    // TLS files are read as the host is built, before the start: refused there, they fail the start all the same.
    [Fact]
    public async Task Start_TlsFilesEmpty_ExitsWithCode1NamingTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("surge-empty-tls").FullName;
        try
        {
            foreach (var file in (string[])["ca.crt", "tls.crt", "tls.key"]) await File.WriteAllTextAsync(Path.Combine(directory, file), "");
            using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={Repo.FreePort()}", $"--Surge:Ports:Gateway={Repo.FreePort()}",
                $"--Surge:Ports:Http={Repo.FreePort()}", $"--Surge:Tls:Directory={directory}");
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"exit {silo.ExitCode}:\n{silo.Stderr}");

            Assert.Equal(1, silo.ExitCode);
            Assert.Contains(silo.Stderr.Split('\n'), l => l.StartsWith("surge silo: Surge:Tls:Authority", StringComparison.Ordinal) && l.Contains("ca.crt"));
            Assert.DoesNotContain("Unhandled exception", silo.Stderr);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
