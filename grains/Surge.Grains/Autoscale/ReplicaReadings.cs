namespace Surge.Autoscale;

/// <summary>
/// Desired and actual replicas as the autoscale grain last saw them, for the metrics of the silo that hosts it.
/// Other silos have none, so the cluster reports exactly one series.
/// </summary>
internal sealed class ReplicaReadings
{
    private (int Desired, int Actual)? _last;

    public (int Desired, int Actual)? Last => _last;

    public void Update(int desired, int actual) => _last = (desired, actual);
}
