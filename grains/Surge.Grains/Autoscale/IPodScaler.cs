namespace Surge.Autoscale;

/// <summary>Asks for a number of silo pods of one group: Kubernetes in a cluster, nothing (but a log line) outside one.</summary>
public interface IPodScaler
{
    /// <summary>Sets the replicas of <paramref name="group"/>'s StatefulSet; returns the replicas it had before.</summary>
    Task<int> ScaleAsync(string group, int replicas, string reason, CancellationToken cancellationToken);
}
