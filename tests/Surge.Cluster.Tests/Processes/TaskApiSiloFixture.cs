namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// A real silo process for the HTTP task API: an <c>echo</c> program type, so a task has a result to show, and a
/// payload bound of 4 KiB, so going over it is cheap.
/// </summary>
public sealed class TaskApiSiloFixture : IAsyncLifetime
{
    public const int MaxPayloadBytes = 4096;

    private ChildProcess? _silo;

    public int HttpPort { get; } = Repo.FreePort();

    /// <summary>What the silo has logged so far (the console logger's stdout).</summary>
    public string Log => _silo?.Stdout ?? "";

    public async Task InitializeAsync()
    {
        var siloPort = Repo.FreePort();
        var gatewayPort = Repo.FreePort();
        _silo = ChildProcess.StartDotnet(Repo.SiloDll,
            $"--Surge:Ports:Silo={siloPort}", $"--Surge:Ports:PrimarySilo={siloPort}", $"--Surge:Ports:Gateway={gatewayPort}",
            $"--Surge:Ports:Http={HttpPort}", "--Surge:Workers:MaxConcurrency=8", $"--Surge:Workers:MaxPayloadBytes={MaxPayloadBytes}",
            "--Surge:Programs:echo:Executable=/bin/echo", "--Surge:Programs:echo:PayloadAs=Arguments");
        var silo = _silo;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            if (silo.HasExited) throw new InvalidOperationException($"the silo exited with {silo.ExitCode}:\n{silo.Stdout}\n{silo.Stderr}");
            return (await Http.TryGetAsync(http, "/ready")).Status == System.Net.HttpStatusCode.OK;
        }, "the silo to be ready", TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync()
    {
        _silo?.Dispose();
        return Task.CompletedTask;
    }
}
