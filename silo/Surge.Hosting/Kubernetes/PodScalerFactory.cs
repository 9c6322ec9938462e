using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Surge.Autoscale;

namespace Surge.Hosting.Kubernetes;

/// <summary>Kubernetes when the silo runs in a pod (in-cluster config), otherwise the no-op that logs.</summary>
internal static class PodScalerFactory
{
    private const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>
    /// Makes the autoscaler ask this factory for its pod scaler instead of the grains' no-op default, whichever was
    /// registered first; a second call changes nothing.
    /// </summary>
    public static IServiceCollection AddKubernetesPodScaler(this IServiceCollection services)
    {
        services.RemoveAll<IPodScaler>();
        services.AddSingleton(Create);
        return services;
    }

    public static IPodScaler Create(IServiceProvider services)
    {
        if (!KubernetesClientConfiguration.IsInCluster()) return ActivatorUtilities.CreateInstance<NoOpPodScaler>(services);
        var target = services.GetRequiredService<IOptions<AutoscaleOptions>>().Value.Kubernetes;
        var statefulSet = target.StatefulSet ?? Environment.GetEnvironmentVariable("SURGE_STATEFULSET") ?? StatefulSetOf(Environment.GetEnvironmentVariable("POD_NAME"))
            ?? throw new InvalidOperationException($"set {AutoscaleOptions.Section}:Kubernetes:StatefulSet or the SURGE_STATEFULSET environment variable: the autoscaler must know which StatefulSet to scale");
        var @namespace = target.Namespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE")
            ?? (File.Exists(NamespaceFile) ? File.ReadAllText(NamespaceFile).Trim() : "default");
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        return ActivatorUtilities.CreateInstance<KubernetesPodScaler>(services, client, statefulSet, @namespace);
    }

    // A StatefulSet's pods are named <statefulset>-<ordinal>.
    internal static string? StatefulSetOf(string? podName)
        => podName?.LastIndexOf('-') is > 0 and var dash && int.TryParse(podName.AsSpan(dash + 1), out _) ? podName[..dash] : null;
}
