namespace Surge.Autoscale;

/// <summary>
/// Desired and actual replicas per silo group as the autoscale grain last saw them, for the metrics of the silo that
/// hosts it. Other silos have none, so the cluster reports exactly one series per group.
/// </summary>
internal sealed class ReplicaReadings
{
    private IReadOnlyDictionary<string, (int Desired, int Actual)> _last = new Dictionary<string, (int, int)>();

    /// <summary>Per group, the last reading; empty until the grain has decided once.</summary>
    public IReadOnlyDictionary<string, (int Desired, int Actual)> Last => _last;

    /// <summary>Replaces every group's reading (a group no longer reporting loses its series).</summary>
    public void Update(IReadOnlyDictionary<string, (int Desired, int Actual)> byGroup) => _last = byGroup;

    /// <summary>Per group, the memory recommendation last made.</summary>
    public IReadOnlyList<MemoryRecommendation> Memory { get; private set; } = [];

    public void UpdateMemory(IReadOnlyList<MemoryRecommendation> recommendations) => Memory = recommendations;
}
