using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using Surge.Client;
using Surge.Hosting.Redis;
using Surge.Telemetry;

namespace Surge.Hosting;

/// <summary>The silo's HTTP side: health, readiness, metrics, the status page, the dashboard and the task API.</summary>
public static class SurgeHttpExtensions
{
    /// <summary>
    /// Serves HTTP on <c>Surge:Ports:Http</c>: loopback only on embedded defaults, every address in cluster mode (a
    /// pod's probes and scrapes come from outside). Port 0 turns it off. Adds metrics, readiness and the early drain;
    /// the dashboard's own services come with AddSurgeSilo.
    /// </summary>
    public static WebApplicationBuilder AddSurgeHttp(this WebApplicationBuilder builder)
    {
        var ports = builder.Configuration.GetSection(PortOptions.Section).Get<PortOptions>() ?? new PortOptions();
        var address = RedisOptions.From(builder.Configuration) is null ? IPAddress.Loopback : IPAddress.Any;
        // Kestrel with no endpoint would listen on its default, localhost:5000: port 0 replaces the server with none.
        if (ports.Http == 0) builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, NoServer>();
        else builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, ports.Http));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SurgeMeter.Name, "Microsoft.Orleans")
            .AddPrometheusExporter());
        builder.AddSurgeHttpTracing();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddHostedService<DrainOnStopping>();
        builder.Services.AddSurgeClient(); // the status and task APIs ask the whole cluster through the silo's own client
        builder.Services.AddSingleton<TaskApi>();
        // The document is for callers of Surge's own API; the dashboard's internal routes would only crowd it.
        builder.Services.AddOpenApi(o => o.ShouldInclude = d => d.RelativePath?.StartsWith("dashboard", StringComparison.Ordinal) != true);
        return builder;
    }

    /// <summary>
    /// <c>/health</c> (alive), <c>/ready</c> (active in the cluster and not draining), <c>/metrics</c> (Prometheus),
    /// <c>/api/status</c> (JSON), <c>/api/tasks</c> (submit, status, wait), its OpenAPI document at
    /// <c>/openapi/v1.json</c>, <c>/surge</c> (a status page) and the Orleans dashboard at <c>/dashboard</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapSurgeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Text("ok"));
        endpoints.MapGet("/ready", (Readiness readiness) => readiness.Check() is { } why
            ? Results.Text($"not ready: {why}", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready"));
        endpoints.MapGet("/api/status", async (ISurgeClient surge, ISurgeFlows flows, TimeProvider time, CancellationToken cancellationToken)
            => Results.Json(await ClusterStatus.ReadAsync(surge, flows, time, cancellationToken), ClusterStatus.Json));
        endpoints.MapSurgeTaskApi();
        endpoints.MapOpenApi();
        endpoints.MapGet("/surge", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8"));
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapOrleansDashboard("/dashboard");
        return endpoints;
    }
}
