using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Surge.Hosting;

namespace Surge.Tests;

/// <summary>The silo's OTLP export: registered only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and then named.</summary>
public class TracingRegistrationTests
{
    // An empty builder reads no environment: only what the test sets.
    private static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        return builder;
    }

    [Fact]
    public void AddSurgeTracing_EndpointUnset_RegistersNothing()
    {
        var builder = Builder();
        builder.AddSurgeTracing();
        builder.AddSurgeHttpTracing();
        using var host = builder.Build();
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    public void AddSurgeTracing_EndpointSet_TracerProviderNamedSurgeSilo(string variable)
    {
        var builder = Builder((variable, "http://127.0.0.1:4317"));
        builder.AddSurgeTracing();
        using var host = builder.Build();
        var tracing = host.Services.GetRequiredService<TracerProvider>();
        Assert.Equal(SurgeTracingExtensions.ServiceName, tracing.GetResource().Attributes.Single(a => a.Key == "service.name").Value);
    }

    [Fact]
    public void AddSurgeTracing_ServiceNameSet_KeepsIt()
    {
        var builder = Builder(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("OTEL_SERVICE_NAME", "resizer"));
        builder.AddSurgeTracing();
        using var host = builder.Build();
        var tracing = host.Services.GetRequiredService<TracerProvider>();
        Assert.Equal("resizer", tracing.GetResource().Attributes.Single(a => a.Key == "service.name").Value);
    }
}
