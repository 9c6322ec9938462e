using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Surge.Autoscale;
using Surge.Silos;

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
        var autoscale = services.GetRequiredService<IOptions<AutoscaleOptions>>().Value;
        // With pods scaled by someone else (or not at all) nothing is patched: no client, no RBAC needed.
        if (!KubernetesClientConfiguration.IsInCluster() || autoscale.Pods != PodScaling.Surge)
            return ActivatorUtilities.CreateInstance<NoOpPodScaler>(services);
        var target = autoscale.Kubernetes;
        var group = services.GetRequiredService<IOptions<SiloGroupOptions>>().Value.Group;
        var statefulSet = target.StatefulSet ?? Environment.GetEnvironmentVariable("SURGE_STATEFULSET") ?? BaseStatefulSet(StatefulSetOf(Environment.GetEnvironmentVariable("POD_NAME")), group)
            ?? throw new InvalidOperationException($"set {AutoscaleOptions.Section}:Kubernetes:StatefulSet or the SURGE_STATEFULSET environment variable: the autoscaler must know which StatefulSet to scale");
        var @namespace = target.Namespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE")
            ?? (File.Exists(NamespaceFile) ? File.ReadAllText(NamespaceFile).Trim() : "default");
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        return ActivatorUtilities.CreateInstance<KubernetesPodScaler>(services, client, statefulSet, @namespace, target.RequestTimeout);
    }

    // The name the default group's StatefulSet has (or would have): group g's StatefulSet is <that>-g.
    internal static string? BaseStatefulSet(string? statefulSet, string group)
        => group != SiloGroupOptions.DefaultGroup && statefulSet?.EndsWith($"-{group}", StringComparison.Ordinal) == true
            ? statefulSet[..^(group.Length + 1)] : statefulSet;

    // A StatefulSet's pods are named <statefulset>-<ordinal>.
    internal static string? StatefulSetOf(string? podName)
        => podName?.LastIndexOf('-') is > 0 and var dash && int.TryParse(podName.AsSpan(dash + 1), out _) ? podName[..dash] : null;
}
