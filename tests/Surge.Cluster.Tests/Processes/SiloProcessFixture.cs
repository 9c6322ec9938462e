using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// A real silo process on free ports, started once for the process tests, with HTTP credentials as the chart sets
/// them (<c>Surge:Http:Auth</c>): a basic-auth user for browsers and a bearer token for scripts.
/// </summary>
public sealed class SiloProcessFixture : IAsyncLifetime
{
    public const string User = "operator";
    public const string Password = "process-tests-password";
    public const string Token = "process-tests-bearer-token";

    /// <summary>A task type whose results are cached (<c>Deterministic</c>): it echoes its payload.</summary>
    public const string CachedType = "cached";

    /// <summary>A bearer token whose role is <see cref="SurgeRole.Submit"/>: it may read the status page but not act on it.</summary>
    public const string ViewerToken = "process-tests-viewer-token";

    /// <summary>A bearer token whose role is <see cref="SurgeRole.Admin"/>.</summary>
    public const string AdminToken = "process-tests-admin-token";

    private ChildProcess? _silo;

    public int GatewayPort { get; } = Repo.FreePort();
    public int HttpPort { get; } = Repo.FreePort();
    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public async Task InitializeAsync()
    {
        var siloPort = Repo.FreePort();
        _silo = ChildProcess.StartDotnet(Repo.SiloDll,
            $"--Surge:Ports:Silo={siloPort}", $"--Surge:Ports:PrimarySilo={siloPort}", $"--Surge:Ports:Gateway={GatewayPort}",
            $"--Surge:Ports:Http={HttpPort}", "--Surge:Workers:MaxConcurrency=16",
            $"--Surge:Http:Auth:Users:{User}={Password}", $"--Surge:Http:Auth:Tokens:tests={Token}",
            $"--Surge:Http:Auth:Tokens:viewer={ViewerToken}", "--Surge:Http:Auth:Roles:viewer=Submit",
            $"--Surge:Http:Auth:Tokens:admin={AdminToken}", "--Surge:Http:Auth:Roles:admin=Admin",
            // A deterministic type, so the result cache has lookups to count: cat answers with its payload.
            $"--Surge:Programs:{CachedType}:Executable=/bin/cat", $"--Surge:Policies:Types:{CachedType}:Deterministic=true");
        var silo = _silo;
        await Repo.WaitForPortAsync(GatewayPort, TimeSpan.FromSeconds(60), "the silo",
            () => silo.HasExited ? $"exit code {silo.ExitCode}:\n{silo.Stdout}\n{silo.Stderr}" : null);
        // Kestrel may open a moment after the gateway: tests that start with HTTP need it too.
        await Repo.WaitForPortAsync(HttpPort, TimeSpan.FromSeconds(60), "the silo's HTTP port",
            () => silo.HasExited ? $"exit code {silo.ExitCode}:\n{silo.Stdout}\n{silo.Stderr}" : null);
    }

    public Task DisposeAsync()
    {
        _silo?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>An HTTP client of the silo that signs in as <see cref="User"/> (basic), or sends no credential.</summary>
    public HttpClient Http(bool signedIn = true)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        if (signedIn) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        return http;
    }

    /// <summary>A service's Surge client, in the test's process, through the silo process's gateway.</summary>
    public async Task<IHost> ClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client => client.AddSurgeClient(o => o.Gateways = [Gateway]));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public Task<ChildProcess> SurgeAsync(TimeSpan timeout, params string[] args)
        => ChildProcess.RunDotnetAsync(Repo.CliDll, timeout, [.. args, "--gateway", Gateway]);
}

[CollectionDefinition("silo-process")]
public sealed class SiloProcessCollection : ICollectionFixture<SiloProcessFixture>;
