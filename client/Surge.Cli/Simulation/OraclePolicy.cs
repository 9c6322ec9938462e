namespace Surge.Cli.Simulation;

/// <summary>
/// The best any policy could do given the pod start delay: it knows the whole workload, so it asks for every pod at
/// t = 0 (they take work from <see cref="SimulationOptions.PodStartDelay"/>, like anyone's), runs every pod at full
/// in-silo concurrency, and lets the extra pods go the moment the queue is empty for good. At every instant no policy
/// has more capacity, so no policy's FIFO waits are shorter: its p95 is the floor the start delay allows. It asks
/// for nothing when the queue is gone before pods could start.
/// </summary>
public sealed class OraclePolicy(double lastBacklogMs) : SimulatedPolicy
{
    private bool _asked;

    public override string Name => "oracle";

    /// <summary>Two runs: one with every pod kept, to learn when the queue empties for good, then the oracle itself.</summary>
    public static SimulationResult Run(IReadOnlyList<SimulatedTask> tasks, SimulationOptions options)
    {
        var probe = AutoscaleSimulator.Run(tasks, options, _ => new OraclePolicy(double.PositiveInfinity));
        return AutoscaleSimulator.Run(tasks, options, _ => new OraclePolicy(probe.LastBacklogMs));
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
