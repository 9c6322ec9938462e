using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using Surge.Client;
using Surge.Hosting.Redis;
using Surge.Telemetry;

namespace Surge.Hosting;

/// <summary>The silo's HTTP side: health, readiness, metrics, the status page, the dashboard and the task API.</summary>
public static partial class SurgeHttpExtensions
{
    /// <summary>
    /// The authorization policy on every endpoint but the probes and metrics: the credentials of
    /// <c>Surge:Http:Auth</c> (<see cref="HttpAuthOptions"/>) when any are set, else open. A host can put its own
    /// endpoints behind it too (<c>.RequireAuthorization(SurgeHttpExtensions.AuthorizationPolicy)</c>).
    /// </summary>
    public const string AuthorizationPolicy = "surge-http";

    /// <summary>
    /// The policy on the status page's task pages, lists and actions: signed in with the role
    /// <see cref="SurgeRole.Operate"/> or above (<see cref="HttpAuthOptions.Roles"/>), or open while no credential is set.
    /// </summary>
    public const string OperatePolicy = "surge-http-operate";

    /// <summary>
    /// The policy on the dashboard's grain state reads (<c>/dashboard/GrainState</c>): the role
    /// <see cref="SurgeRole.Admin"/>, or open while no credential is set.
    /// </summary>
    public const string AdminPolicy = "surge-http-admin";

    /// <summary>
    /// Serves HTTP on <c>Surge:Ports:Http</c>: loopback only on embedded defaults, every address in cluster mode (a
    /// pod's probes and scrapes come from outside). Port 0 turns it off. Adds metrics, readiness, the early drain and
    /// authentication (<c>Surge:Http:Auth</c>); the dashboard's own services come with AddSurgeSilo.
    /// </summary>
    public static WebApplicationBuilder AddSurgeHttp(this WebApplicationBuilder builder)
    {
        var ports = EarlySettings.Read<PortOptions>(builder.Configuration, builder.Services, PortOptions.Section);
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
        builder.Services.AddSingleton<SiloSummaries>();
        builder.Services.AddSingleton<TaskLists>();
        AddAuth(builder.Services);
        // The document is for callers of Surge's own API; the dashboard's internal routes would only crowd it.
        builder.Services.AddOpenApi(o => o.ShouldInclude = d => d.RelativePath?.StartsWith("dashboard", StringComparison.Ordinal) != true);
        return builder;
    }

    // A named scheme and policy rather than defaults, so a host's own authentication is left as it is.
    private static void AddAuth(IServiceCollection services)
    {
        services.AddOptions<HttpAuthOptions>().BindConfiguration(HttpAuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpAuthOptions>, HttpAuthOptionsValidator>();
        services.AddSingleton<HttpCredentialsSource>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, HttpAuthHandler>(HttpAuthHandler.SchemeName, configureOptions: null);
        services.AddSingleton<IAuthorizationHandler, HttpAccessHandler>();
        services.AddSingleton<IAuthorizationHandler, HttpRoleHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthorizationPolicy, policy => policy
                .AddAuthenticationSchemes(HttpAuthHandler.SchemeName)
                .AddRequirements(new HttpAccessRequirement()))
            .AddPolicy(OperatePolicy, policy => policy
                .AddAuthenticationSchemes(HttpAuthHandler.SchemeName)
                .AddRequirements(new HttpAccessRequirement(), new HttpRoleRequirement(SurgeRole.Operate)))
            .AddPolicy(AdminPolicy, policy => policy
                .AddAuthenticationSchemes(HttpAuthHandler.SchemeName)
                .AddRequirements(new HttpAccessRequirement(), new HttpRoleRequirement(SurgeRole.Admin)));
    }

    /// <summary>
    /// Open, for probes and scrapers: <c>/health</c> (alive), <c>/ready</c> (active in the cluster and not draining),
    /// <c>/metrics</c> (Prometheus). Behind <see cref="AuthorizationPolicy"/>: <c>/api/status</c> (JSON),
    /// <c>/api/tasks</c> (submit, status, wait; it runs work, as a client would), its OpenAPI document at
    /// <c>/openapi/v1.json</c> and <c>/surge</c> (a status page). Behind <see cref="OperatePolicy"/>: the status page's
    /// task pages and lists (<c>/surge/tasks</c>, <c>/surge/api</c>), its actions (<c>/surge/actions</c>,
    /// <see cref="OperatorActions"/>) and the Orleans dashboard at <c>/dashboard</c>, whose log stream shows any
    /// caller's task ids and errors; its grain state reads are behind <see cref="AdminPolicy"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapSurgeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Text("ok"));
        endpoints.MapGet("/ready", (Readiness readiness) => readiness.Check() is { } why
            ? Results.Text($"not ready: {why}", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready"));
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapGet("/api/status", ReadStatusAsync).RequireAuthorization(AuthorizationPolicy);
        endpoints.MapSurgeTaskApi().RequireAuthorization(AuthorizationPolicy);
        endpoints.MapOpenApi().RequireAuthorization(AuthorizationPolicy);
        endpoints.MapGet("/surge", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8")).RequireAuthorization(AuthorizationPolicy);
        endpoints.MapSurgeOperatorReads();
        endpoints.MapSurgeActions().RequireAuthorization(OperatePolicy);
        IEndpointConventionBuilder dashboard = endpoints.MapOrleansDashboard("/dashboard").RequireAuthorization(OperatePolicy);
        dashboard.Add(AdminForGrainState);
        if (endpoints is IApplicationBuilder app) MissingEndpoints.UseOn(app); // a WebApplication, as the silo and the samples pass
        WarnIfOpen(endpoints.ServiceProvider);
        return endpoints;
    }

    private static async Task<IResult> ReadStatusAsync(SiloSummaries silos, ISurgeClient surge, ISurgeFlows flows, TimeProvider time,
        HttpCredentialsSource credentials, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            // Held events, dead letters and waves name other callers' tasks (and their errors), and scaling decisions
            // are the operators': a caller that reads only its own tasks sees silos and pools, as at the gateway.
            var ownTasksOnly = HttpTaskReader.Of(user, credentials.Current) is { Scoped: true };
            return Results.Json(await ClusterStatus.ReadAsync(silos, surge, flows, time, ownTasksOnly, cancellationToken), ClusterStatus.Json);
        }
        catch (SurgeUnavailableException e)
        {
            return Results.Problem(title: "Surge unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    // The dashboard's GrainState activates any grain by type and key and returns its stored state (any task's record,
    // any entity's book): the management grain's reach, so Admin, as at the gateway (SurgeRole.Admin).
    private static void AdminForGrainState(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && route.EndsWith("/GrainState", StringComparison.OrdinalIgnoreCase))
            endpoint.Metadata.Add(new AuthorizeAttribute(AdminPolicy));
    }

    // Cluster mode listens on every address: say so when whoever reaches the port may read and submit. Settings that
    // fail their checks are left to the host's start, which reports every failure at once (RunSurgeAsync: one line
    // each), rather than thrown from here as a trace naming only the first.
    private static void WarnIfOpen(IServiceProvider services)
    {
        try
        {
            if (services.GetRequiredService<IOptions<HttpAuthOptions>>().Value.Enabled) return;
            if (RedisOptions.From(services.GetRequiredService<IConfiguration>()) is null) return;
            var port = services.GetRequiredService<IOptions<PortOptions>>().Value.Http;
            LogOpen(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SurgeHttpExtensions)), port);
        }
        catch (OptionsValidationException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "HTTP port {Port} listens on every address and Surge:Http:Auth sets no credential: /api/status, /api/tasks, /surge (and its actions: cancel, retry, purge, schedules) and /dashboard are open to anyone who reaches it")]
    private static partial void LogOpen(ILogger logger, int port);
}
