using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Surge.Telemetry;

namespace Surge.Hosting;

/// <summary>
/// Exports the silo's spans (<see cref="SurgeTracing"/>) over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set; the exporter reads the standard <c>OTEL_EXPORTER_OTLP_*</c>
/// variables (protocol, headers) itself. Unset, nothing is registered: no listener, so no span is even made.
/// </summary>
internal static class SurgeTracingExtensions
{
    /// <summary>The service name spans carry unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "surge-silo";

    public static bool Enabled(IConfiguration configuration)
        => !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
           || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    public static IHostApplicationBuilder AddSurgeTracing(this IHostApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return builder;
        var named = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!named) resource.AddService(ServiceName);
            })
            .WithTracing(tracing => tracing.AddSource(SurgeTracing.SourceName).AddOtlpExporter());
        return builder;
    }

    /// <summary>
    /// The HTTP task API's requests as server spans, so a submission over HTTP joins its caller's <c>traceparent</c>
    /// header. Only <c>/api</c>: probes and scrapes would drown the traces.
    /// </summary>
    public static IHostApplicationBuilder AddSurgeHttpTracing(this IHostApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return builder;
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(
            o => o.Filter = context => context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)));
        return builder;
    }
}
