namespace Surge.Cli.Simulation;

/// <summary>
/// The best any policy could do given the pod start delay: it knows the whole workload, so it asks for every pod at
/// t = 0 (they take work from <see cref="SimulationOptions.PodStartDelay"/>, like anyone's), runs every pod at full
/// in-silo concurrency, and lets the extra pods go the moment the queue is empty for good. At every instant no policy
/// has more capacity, so no policy's FIFO waits are shorter: its p95 is the floor the start delay allows. It asks
/// for nothing when the queue is gone before pods could start. Its pod-seconds are what that floor costs, not the least
/// any policy could pay.
/// </summary>
public sealed class OraclePolicy(double lastBacklogMs) : SimulatedPolicy
{
    private bool _asked;

    public override string Name => "oracle";

    /// <summary>
    /// Every pod kept to the end first, to learn when the queue empties for good; then the same, letting the extra pods
    /// go at that moment, unless the fewest pods cannot carry what still arrives (their wait would rise): then the first.
    /// </summary>
    public static SimulationResult Run(IReadOnlyList<SimulatedTask> tasks, SimulationOptions options)
    {
        var kept = AutoscaleSimulator.Run(tasks, options, _ => new OraclePolicy(double.PositiveInfinity));
        var released = AutoscaleSimulator.Run(tasks, options, _ => new OraclePolicy(kept.LastBacklogMs));
        return released.P95WaitMs <= kept.P95WaitMs ? released : kept;
    }

    public override void Start(SimulatedCluster cluster)
    {
        foreach (var pod in cluster.Pods) pod.Limit = cluster.Options.MaxConcurrencyPerPod;
        if (lastBacklogMs <= cluster.Options.PodStartDelay.TotalMilliseconds) return; // pods could not help
        cluster.SetReplicas(cluster.Options.MaxReplicas);
        foreach (var pod in cluster.Pods) pod.Limit = cluster.Options.MaxConcurrencyPerPod;
        _asked = true;
    }

    public override void Tick(SimulatedCluster cluster, SimulationSignals signals)
    {
        if (!_asked || cluster.NowMs < lastBacklogMs) return;
        cluster.SetReplicas(cluster.Options.MinReplicas);
        _asked = false;
    }
}
