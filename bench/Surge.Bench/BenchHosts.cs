using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Hosting;

namespace Surge.Bench;

/// <summary>The hosts benchmarks measure through. Logs go to stderr, warnings and above only: stdout is for JSON.</summary>
internal static class BenchHosts
{
    /// <summary>An Orleans client with Surge's client, connected to a silo process's gateway.</summary>
    public static Task<IHost> ClientAsync(int gateway, Action<SurgeClientOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder);
        builder.UseOrleansClient(c => c.AddSurgeClient(o =>
        {
            o.Gateways = [$"127.0.0.1:{gateway}"];
            configure?.Invoke(o);
        }));
        services?.Invoke(builder.Services);
        return StartAsync(builder);
    }

    /// <summary>A silo in this process on embedded defaults (no HTTP), with the given settings and its own client.</summary>
    public static Task<IHost> SiloAsync(string[] settings, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = ["--Surge:Ports:Http=0", "--Surge:Workers:Simulate=true", .. settings], // on Redis too (BenchRedis)
            ContentRootPath = AppContext.BaseDirectory,
        });
        Quiet(builder);
        builder.AddSurgeSilo(configure);
        builder.Services.AddSurgeClient();
        return StartAsync(builder);
    }

    private static void Quiet(HostApplicationBuilder builder)
    {
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static async Task<IHost> StartAsync(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
