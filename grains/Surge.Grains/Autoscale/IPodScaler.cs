namespace Surge.Autoscale;

/// <summary>Asks for a number of silo pods of one group: Kubernetes in a cluster, nothing (but a log line) outside one.</summary>
public interface IPodScaler
{
    /// <summary>
    /// Sets the replicas of <paramref name="group"/>'s StatefulSet to <paramref name="replicas"/>, a change the policy
    /// decided from <paramref name="from"/> (the silos it heard from); returns the replicas it had before. A scale-up
    /// never lowers them and a scale-down never raises them: the StatefulSet may hold pods that are starting, or were
    /// asked for before the autoscale grain last activated, which no silo's signal counts yet.
    /// </summary>
    Task<int> ScaleAsync(string group, int from, int replicas, string reason, CancellationToken cancellationToken);
}
