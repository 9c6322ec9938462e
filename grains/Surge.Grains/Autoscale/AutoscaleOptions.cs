namespace Surge.Autoscale;

/// <summary>How the autoscaler decides (<c>Surge:Autoscale</c>). In-silo concurrency first; pods when the forecast says in-silo capacity will not do.</summary>
public sealed class AutoscaleOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Autoscale";

    /// <summary>Whether silos report signals and the autoscaler acts. Default true; false pins limits where operators set them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often signals are read and decisions made. Default 1 s; 100 ms to 1 min.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Busy share of a pool's slots the control law aims at (Little's law: slots = rate × duration / this). Default 0.8; 0.1 to 1.</summary>
    public double TargetUtilization { get; set; } = 0.8;

    /// <summary>A backlog should drain within this: adds backlog × duration / this to the slots needed. Default 5 s; 100 ms to 10 min.</summary>
    public TimeSpan DrainTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A pool must have had no queue this long before its concurrency is lowered. Default 10 s; 0 to 1 h.</summary>
    public TimeSpan ScaleInDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of a pool's limit removed per interval when lowering (at least one slot). Default 0.25; above 0, at most 1.</summary>
    public double ScaleInStep { get; set; } = 0.25;

    /// <summary>Pools whose work is CPU-bound: their concurrency is not raised while the silo's CPU is at <see cref="CpuCeiling"/>.</summary>
    public List<PoolKind> CpuBoundPools { get; set; } = [];

    /// <summary>Process CPU share (of all cores) above which CPU-bound pools are not raised and a silo counts as saturated. Default 0.85; 0.1 to 1.</summary>
    public double CpuCeiling { get; set; } = 0.85;

    /// <summary>From asking for a pod until it takes work (scheduling, image, start, joining the cluster). The forecast asks for pods when the backlog would outlast this plus <see cref="ForecastMargin"/>. Default 45 s; 0 to 30 min.</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Pods are asked for when, once they could start, the reachable in-silo capacity would still need longer than this to work off what is queued; as many as bring it within this. Default 15 s; 1 s to 10 min.</summary>
    public TimeSpan ForecastMargin { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Backstop for a wrong forecast: a backlog that persists this long with concurrency at its ceiling or the silo saturated asks for at least one more pod. Default 60 s.</summary>
    public TimeSpan SustainedBacklog { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>No scale-up within this time of the last scale-up (pods asked for count as coming capacity meanwhile). Default 60 s; 0 to 1 h.</summary>
    public TimeSpan ScaleUpStabilization { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Scale-down takes the highest recommendation of this window, and happens at most once per window. Default 300 s; 0 to 1 day.</summary>
    public TimeSpan ScaleDownStabilization { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>No replica change within this time of the last one. Default 60 s; 0 to 1 h.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Fewest silo pods. Default 1; 1 to <see cref="MaxReplicas"/>.</summary>
    public int MinReplicas { get; set; } = 1;

    /// <summary>Most silo pods. Default 10; <see cref="MinReplicas"/> to 1,000.</summary>
    public int MaxReplicas { get; set; } = 10;

    /// <summary>Who sets the number of silo pods. Default <see cref="PodScaling.Surge"/>.</summary>
    public PodScaling Pods { get; set; } = PodScaling.Surge;

    /// <summary>
    /// Per silo group (<c>Surge:Silo:Group</c>), its own fewest and most pods; a group not listed, or a bound not set,
    /// takes <see cref="MinReplicas"/> and <see cref="MaxReplicas"/>.
    /// </summary>
    public Dictionary<string, GroupReplicas> Groups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The StatefulSet to scale, and its namespace: from the pod's environment (SURGE_STATEFULSET, POD_NAMESPACE) unless set.</summary>
    public KubernetesTarget Kubernetes { get; set; } = new();

    /// <summary>These options with <paramref name="group"/>'s replica bounds: what that group's pod policy decides with.</summary>
    public AutoscaleOptions ForGroup(string group)
    {
        var bounds = Groups.GetValueOrDefault(group);
        var copy = (AutoscaleOptions)MemberwiseClone();
        copy.MinReplicas = bounds?.MinReplicas ?? MinReplicas;
        copy.MaxReplicas = bounds?.MaxReplicas ?? MaxReplicas;
        return copy;
    }
}

/// <summary>Who sets the number of silo pods (<c>Surge:Autoscale:Pods</c>). The in-silo concurrency step runs with each.</summary>
public enum PodScaling
{
    /// <summary>Surge patches each group's StatefulSet.</summary>
    Surge = 0,

    /// <summary>
    /// Someone else (KEDA, an HPA) scales the StatefulSets: Surge decides as always but only exports each group's
    /// desired replicas (<c>surge_autoscale_replicas_desired{group}</c>) and patches nothing.
    /// </summary>
    External = 1,

    /// <summary>No pod decisions: the pods stay where operators put them.</summary>
    Off = 2,
}

/// <summary>One silo group's replica bounds (<c>Surge:Autoscale:Groups:&lt;group&gt;</c>); unset takes the cluster-wide bound.</summary>
public sealed class GroupReplicas
{
    /// <summary>Fewest pods of the group.</summary>
    public int? MinReplicas { get; set; }

    /// <summary>Most pods of the group.</summary>
    public int? MaxReplicas { get; set; }
}

/// <summary>
/// The StatefulSets whose replicas the autoscaler sets (<c>Surge:Autoscale:Kubernetes</c>): the <c>default</c> group's
/// is <see cref="StatefulSet"/>, any other group's is <c>&lt;StatefulSet&gt;-&lt;group&gt;</c> (as the chart names them).
/// </summary>
public sealed class KubernetesTarget
{
    /// <summary>The default group's StatefulSet; null for <c>SURGE_STATEFULSET</c> from the pod's environment.</summary>
    public string? StatefulSet { get; set; }

    /// <summary>Its namespace; null for <c>POD_NAMESPACE</c> from the pod's environment.</summary>
    public string? Namespace { get; set; }

    /// <summary>Default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one call to the API server may take. The autoscaler decides one report at a time: a call that hangs
    /// (a cut link, an overloaded API server) would hold every silo's in-silo step behind it for the HTTP client's
    /// 100 s, four times over with retries.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;
}
