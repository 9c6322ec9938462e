using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Cli.CommandLine;
using Surge.Client;
using Surge.Hosting;

namespace Surge.Cli;

/// <summary>An <see cref="ISurgeClient"/> for one command: to a running cluster, or to a silo hosted in this process.</summary>
internal sealed class SurgeConnection : IAsyncDisposable
{
    // How long a command waits for a gateway: Surge:Client:ConnectTimeout, default 30 s.
    private static readonly TimeSpan DefaultConnectWithin = TimeSpan.FromSeconds(30);

    // How long a command's client may take to close once the command is done: the gateway drops a client whose
    // connection closes anyway, so a close that gets no answer (a gateway that died meanwhile) is not worth waiting on.
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(5);

    private readonly IHost _host;
    private readonly bool _embedded;

    private SurgeConnection(IHost host, string description, bool embedded)
    {
        _host = host;
        Description = description;
        _embedded = embedded;
    }

    public ISurgeClient Client => _host.Services.GetRequiredService<ISurgeClient>();
    public ISurgeFlows Flows => _host.Services.GetRequiredService<ISurgeFlows>();
    public IConfiguration Configuration => _host.Services.GetRequiredService<IConfiguration>();
    public string Description { get; }

    public static async Task<SurgeConnection> OpenAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. settings.ConfigOverrides],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter(null, LogLevel.Warning); // above appsettings' levels: the CLI's stdout is for results
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var connectWithin = builder.Configuration.GetValue("Surge:Client:ConnectTimeout", DefaultConnectWithin);
        string description;
        if (settings.Embedded)
        {
            builder.AddSurgeSilo();
            builder.Services.AddSurgeClient();
            // The silo's own warnings are about a process that lives for one command: that it runs without server GC,
            // that its watchdog's first check has "not completed" for as long as the machine has been up (seen: 00:27:37
            // on a command that took a second), that a stop stage took 3 s under load. Noise on a command's stderr;
            // Orleans' errors and Surge's own warnings stay.
            builder.Logging.AddFilter("Orleans", LogLevel.Error);
            description = "embedded silo";
        }
        else
        {
            // --gateway wins; else Surge:Client:Gateways, else Redis membership (cluster mode), else the local silo.
            var gateway = settings.Gateway; // checked by the parser
            // The Orleans client logs each failed connection attempt with its stack trace (47 lines for one refused
            // gateway, thousands during an outage), while the command says in one line what failed and what to do.
            // Host: "Hosting failed to start" is that same failure, said again. A silo's logs keep them all.
            builder.Logging.AddFilter("Orleans", LogLevel.Error);
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
            builder.UseOrleansClient(client => client.AddSurgeClient(o =>
            {
                if (gateway is not null) o.Gateways = [gateway];
                o.ConnectTimeout = connectWithin; // a command is waited on by someone: half a service's default
            }));
            description = gateway is not null ? $"gateway {gateway}" : "the configured cluster (Surge:Client:Gateways, else Surge:Redis, else 127.0.0.1:30000)";
        }
        var host = builder.Build();
        try
        {
            if (settings.Embedded) SurgeRunExtensions.CheckSettings(host);
            await host.StartAsync(cancellationToken); // the client gives up after Surge:Client:ConnectTimeout
        }
        catch (Exception e) when (settings.Embedded && StartFailures.Lines(e, StartFailures.Ports(host.Services)) is { Count: > 0 } lines)
        {
            // The embedded silo's settings, a port it could not take, Redis away: said as a silo says them, a line each.
            throw new CliException(string.Join($"{Environment.NewLine}surge: ", lines));
        }
        catch (Exception e) when (!settings.Embedded && !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            if (SurgeRunExtensions.SettingFailures(e) is { Count: > 0 }) throw; // a client setting that fails its check: said as itself (SurgeCli)
            var why = e is SurgeUnavailableException ? $"no connection within {connectWithin.TotalSeconds:0.#} s (Surge:Client:ConnectTimeout): {e.GetBaseException().Message}" : e.GetBaseException().Message;
            throw new CliException($"cannot reach {description} ({why}). Start a silo with 'dotnet run --project silo/Surge.Silo', pass --gateway host:port, or use --embedded. "
                + "If the cluster uses TLS, give this client its certificate: Surge__Client__Tls__Directory (a directory with tls.crt, tls.key and ca.crt).");
        }
        return new SurgeConnection(host, description, settings.Embedded);
    }

    public async ValueTask DisposeAsync()
    {
        // An embedded silo stops as a silo does (its own shutdown timeout); a client only closes its connection.
        using var closeWithin = new CancellationTokenSource(_embedded ? Timeout.InfiniteTimeSpan : CloseWithin);
        try
        {
            await _host.StopAsync(closeWithin.Token);
        }
        catch (Exception e) when (!_embedded && Unanswered(e))
        {
            // The close went unanswered: the command's result already stands, and it must not end "cancelled".
        }
        _host.Dispose();
    }

    // The host throws the one service's cancellation as it is, and several together.
    private static bool Unanswered(Exception e)
        => e is OperationCanceledException || (e is AggregateException all && all.InnerExceptions.All(i => i is OperationCanceledException));
}

/// <summary>A command failed for a reason the user can act on; printed without a stack trace. Exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
