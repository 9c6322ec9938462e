using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;

namespace Surge.Cluster.Tests.Redis;

/// <summary>The production Surge client in this test process, finding the gateways through Redis.</summary>
public sealed class RedisClient : IAsyncDisposable
{
    private readonly IHost _host;

    private RedisClient(IHost host) => _host = host;

    public ISurgeClient Surge => _host.Services.GetRequiredService<ISurgeClient>();
    public ISurgeFlows Flows => _host.Services.GetRequiredService<ISurgeFlows>();

    /// <summary>The Orleans client under <see cref="Surge"/>, for what the Surge client does not ask (a silo's summary).</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<RedisClient> StartAsync(RedisServer redis, params string[] settings)
    {
        var builder = Host.CreateApplicationBuilder([$"--Surge:Redis:ConnectionString={redis.ConnectionString}", .. settings]);
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client => client.AddSurgeClient());
        var host = builder.Build();
        await host.StartAsync();
        return new RedisClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}
