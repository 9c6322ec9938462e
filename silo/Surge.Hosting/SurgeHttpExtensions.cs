using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Surge.Hosting;

public static class SurgeHttpExtensions
{
    /// <summary>Serves HTTP on <c>Surge:Ports:Http</c> (loopback only on embedded defaults); port 0 turns it off.</summary>
    public static WebApplicationBuilder AddSurgeHttp(this WebApplicationBuilder builder)
    {
        var ports = builder.Configuration.GetSection(PortOptions.Section).Get<PortOptions>() ?? new PortOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (ports.Http != 0) kestrel.Listen(IPAddress.Loopback, ports.Http);
        });
        return builder;
    }

    /// <summary>The silo's HTTP endpoints: <c>/health</c> answers while the process is alive.</summary>
    public static IEndpointRouteBuilder MapSurgeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Text("ok"));
        return endpoints;
    }
}
