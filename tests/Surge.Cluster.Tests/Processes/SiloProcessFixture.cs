namespace Surge.Cluster.Tests.Processes;

/// <summary>A real silo process on free ports, started once for the process tests.</summary>
public sealed class SiloProcessFixture : IAsyncLifetime
{
    private ChildProcess? _silo;

    public int GatewayPort { get; } = Repo.FreePort();
    public int HttpPort { get; } = Repo.FreePort();
    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public async Task InitializeAsync()
    {
        var siloPort = Repo.FreePort();
        _silo = ChildProcess.StartDotnet(Repo.SiloDll,
            $"--Surge:Ports:Silo={siloPort}", $"--Surge:Ports:PrimarySilo={siloPort}", $"--Surge:Ports:Gateway={GatewayPort}",
            $"--Surge:Ports:Http={HttpPort}", "--Surge:Workers:MaxConcurrency=16");
        var silo = _silo;
        await Repo.WaitForPortAsync(GatewayPort, TimeSpan.FromSeconds(60), "the silo",
            () => silo.HasExited ? $"exit code {silo.ExitCode}:\n{silo.Stdout}\n{silo.Stderr}" : null);
    }

    public Task DisposeAsync()
    {
        _silo?.Dispose();
        return Task.CompletedTask;
    }

    public Task<ChildProcess> SurgeAsync(TimeSpan timeout, params string[] args)
        => ChildProcess.RunDotnetAsync(Repo.CliDll, timeout, [.. args, "--gateway", Gateway]);
}

[CollectionDefinition("silo-process")]
public sealed class SiloProcessCollection : ICollectionFixture<SiloProcessFixture>;
