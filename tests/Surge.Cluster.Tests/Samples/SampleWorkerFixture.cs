using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Samples;

/// <summary>
/// The sample worker (samples/Surge.Samples.Worker) as a real process on free ports, embedded defaults, its thumbnails
/// in a folder of its own; and a Surge client in this test process connected through its gateway.
/// </summary>
public sealed partial class SampleWorkerFixture : IAsyncLifetime
{
    private ChildProcess? _worker;
    private IHost? _client;

    public int GatewayPort { get; } = Repo.FreePort();
    public string Gateway => $"127.0.0.1:{GatewayPort}";
    public string Thumbnails { get; } = Directory.CreateTempSubdirectory("surge-sample-thumbnails-").FullName;
    public ISurgeClient Surge => _client!.Services.GetRequiredService<ISurgeClient>();

    /// <summary>The thumbnail stores the worker has logged creating so far.</summary>
    public int StoresCreated => StoreCreated().Count(_worker!.Stdout);

    public async Task InitializeAsync()
    {
        var (siloPort, httpPort) = (Repo.FreePort(), Repo.FreePort());
        _worker = ChildProcess.StartDotnet(Repo.SampleWorkerDll,
            $"--Surge:Ports:Silo={siloPort}", $"--Surge:Ports:PrimarySilo={siloPort}", $"--Surge:Ports:Gateway={GatewayPort}",
            $"--Surge:Ports:Http={httpPort}", $"--Samples:Thumbnails:Directory={Thumbnails}");
        var worker = _worker;
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) })
        {
            await Eventually.TrueAsync(async () =>
            {
                if (worker.HasExited) throw new InvalidOperationException($"the sample worker exited with {worker.ExitCode}:\n{worker.Stdout}\n{worker.Stderr}");
                return (await Http.TryGetAsync(http, "/ready")).Status == HttpStatusCode.OK;
            }, "the sample worker to be ready", TimeSpan.FromSeconds(60));
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client => client.AddSurgeClient(o => o.Gateways = [Gateway]));
        _client = builder.Build();
        await _client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.StopAsync(stop.Token);
            _client.Dispose();
        }
        _worker?.Dispose();
        Directory.Delete(Thumbnails, recursive: true);
    }

    [GeneratedRegex(@"Thumbnail store #\d+ created")]
    private static partial Regex StoreCreated();
}
