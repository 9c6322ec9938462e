using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Surge.Hosting.Storage;
using Surge.Tasks;

namespace Surge.Hosting;

public static class SurgeSiloExtensions
{
    /// <summary>
    /// Makes this host a Surge silo on embedded defaults: localhost clustering, in-memory storage, the ports of
    /// <c>Surge:Ports</c>. Everything else is read from <c>Surge:*</c> configuration and validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddSurgeSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var services = builder.Services;
        services.AddOptions<PortOptions>().BindConfiguration(PortOptions.Section).ValidateOnStart();
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortOptions>, HostOptionsValidator>();
        services.AddSingleton<IValidateOptions<ClusterOptions>, HostOptionsValidator>();

        var ports = builder.Configuration.GetSection(PortOptions.Section).Get<PortOptions>() ?? new PortOptions();
        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports.Silo, ports.Gateway, new IPEndPoint(IPAddress.Loopback, ports.PrimarySilo), cluster.ServiceId, cluster.ClusterId);
            silo.Services.AddKeyedSingleton<IGrainStorage>(SurgeStorage.Name, (sp, _) => ActivatorUtilities.CreateInstance<ProcessMemoryGrainStorage>(sp));
            silo.AddSurgeWorkers();
            configure?.Invoke(silo);
        });
        return builder;
    }
}
