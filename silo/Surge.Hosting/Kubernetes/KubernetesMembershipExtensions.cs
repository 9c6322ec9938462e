using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;

namespace Surge.Hosting.Kubernetes;

internal static class KubernetesMembershipExtensions
{
    /// <summary>Binds and validates <see cref="KubernetesMembershipOptions"/>.</summary>
    public static IServiceCollection AddKubernetesMembershipOptions(this IServiceCollection services)
    {
        services.AddOptions<KubernetesMembershipOptions>().BindConfiguration(KubernetesMembershipOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KubernetesMembershipOptions>, KubernetesMembershipOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Orleans' Kubernetes hosting when it is enabled and there is an API server to watch: a silo whose pod is deleted is
    /// declared dead in the (Redis) membership table at once. The silo keeps Surge's cluster ids and endpoints; the pod's
    /// name (<c>POD_NAME</c>) becomes the silo's name, which is how the watch matches pods to silos.
    /// </summary>
    public static ISiloBuilder UseKubernetesMembership(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = EarlySettings.Read<KubernetesMembershipOptions>(configuration, silo.Services, KubernetesMembershipOptions.Section);
        if (!options.Enabled || ApiServer() is not { } connect) return silo;
        return silo.UseKubernetesHosting(hosting => hosting.Configure<IOptions<KubernetesMembershipOptions>>((o, surge) =>
        {
            o.GetClientConfiguration = connect;
            o.MaxAgents = surge.Value.MaxAgents;
            o.DeleteDefunctSiloPods = false; // a silo declared dead stops itself, and its StatefulSet restarts the pod
        }));
    }

    // KUBECONFIG when set (kubectl's convention; how tests point a silo at a stand-in API server), else the pod's
    // service account; outside Kubernetes, none: death is left to the probes.
    private static Func<KubernetesClientConfiguration>? ApiServer()
        => Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } ? KubernetesClientConfiguration.BuildDefaultConfig
            : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig
            : null;
}
