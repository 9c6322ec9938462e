using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Surge.Telemetry;

namespace Surge.Tests.Docs.Snippets.TracingPage;

// docs/tracing.md's blocks, compiled (DocsTests checks the page against these regions); never run.

static class Setup
{
    public static void YourService(HostApplicationBuilder builder)
    {
        // begin-snippet: tracing-your-service
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(SurgeTracing.SourceName)          // using Surge.Telemetry;
            .AddAspNetCoreInstrumentation()
            .AddOtlpExporter());
        // end-snippet
    }
}
