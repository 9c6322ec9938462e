namespace Surge.Autoscale;

/// <summary>Asks for a number of silo pods: Kubernetes in a cluster, nothing (but a log line) outside one.</summary>
public interface IPodScaler
{
    /// <summary>Sets the silo StatefulSet's replicas; returns the replicas it had before.</summary>
    Task<int> ScaleAsync(int replicas, string reason, CancellationToken cancellationToken);
}
