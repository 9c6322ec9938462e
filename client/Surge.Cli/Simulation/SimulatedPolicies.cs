using System.Globalization;
using Surge.Autoscale;

namespace Surge.Cli.Simulation;

/// <summary>A scaling policy under simulation: it sees the cluster once a tick and changes it.</summary>
public abstract class SimulatedPolicy
{
    public abstract string Name { get; }
    public virtual int InitialReplicas(SimulationOptions options) => options.MinReplicas;
    /// <summary>Once, at t = 0, after the initial pods are up.</summary>
    public virtual void Start(SimulatedCluster cluster) { }
    public abstract void Tick(SimulatedCluster cluster, SimulationSignals signals);
}

/// <summary>What one second of simulation measured, for policies that read signals.</summary>
public sealed record SimulationSignals(double ArrivalsPerSecond, double MeanDurationMs);

/// <summary>Surge: the real <see cref="AutoscalePolicy"/>, setting each pod's concurrency and the number of pods.</summary>
public sealed class SurgePolicy(AutoscaleOptions options, TimeProvider clock) : SimulatedPolicy
{
    private readonly AutoscalePolicy _policy = new(options, clock);

    public override string Name => "surge";

    public override void Tick(SimulatedCluster cluster, SimulationSignals signals)
    {
        var ready = cluster.Ready.ToList();
        if (ready.Count == 0) return;
        var share = (int)Math.Ceiling((double)cluster.Queue.Count / ready.Count);
        var silos = ready.Select(p => new SiloSignal(p.Name, clock.GetUtcNow(), 0.3, 0, double.MaxValue,
            [new PoolSignal(PoolKind.Long, share, 0, p.Running, p.Limit, 1, cluster.Options.MaxConcurrencyPerPod,
                signals.ArrivalsPerSecond / ready.Count, signals.ArrivalsPerSecond / ready.Count, signals.MeanDurationMs, signals.MeanDurationMs)])).ToList();
        foreach (var decision in _policy.Decide(silos, cluster.Replicas))
        {
            if (decision.Kind == AutoscaleKind.Replicas) cluster.SetReplicas(decision.To);
            else if (decision.Target is { } target && ready.Find(p => p.Name == target.Silo) is { } pod) pod.Limit = decision.To;
        }
        // New pods start at the concurrency their peers reached: the same control law would raise them at once.
        var peak = ready.Max(p => p.Limit);
        foreach (var pod in cluster.Pods.Where(p => p.ReadyAtMs > cluster.NowMs)) pod.Limit = Math.Max(pod.Limit, peak);
    }
}

/// <summary>Every pod, all the time: the cost ceiling and the wait floor.</summary>
public sealed class StaticMaxPolicy : SimulatedPolicy
{
    public override string Name => "static-max";
    public override int InitialReplicas(SimulationOptions options) => options.MaxReplicas;
    public override void Tick(SimulatedCluster cluster, SimulationSignals signals) { }
}

/// <summary>
/// KEDA-style: every 30 s, replicas = ceil(backlog / target per pod); down only after a 300 s cooldown. Pods keep
/// their fixed concurrency: this policy scales pods only.
/// </summary>
public sealed class QueueProportionalPolicy(int targetPerPod) : SimulatedPolicy
{
    private const double PollMs = 30_000, CooldownMs = 300_000;
    private double _nextPollMs;
    private double _lastScaleUpMs = double.NegativeInfinity;

    public override string Name => "queue-proportional";

    public override void Tick(SimulatedCluster cluster, SimulationSignals signals)
    {
        if (cluster.NowMs < _nextPollMs) return;
        _nextPollMs = cluster.NowMs + PollMs;
        var desired = Math.Clamp((int)Math.Ceiling((double)cluster.Queue.Count / targetPerPod), cluster.Options.MinReplicas, cluster.Options.MaxReplicas);
        if (desired > cluster.Replicas)
        {
            cluster.SetReplicas(desired);
            _lastScaleUpMs = cluster.NowMs;
        }
        else if (desired < cluster.Replicas && cluster.NowMs - _lastScaleUpMs >= CooldownMs)
        {
            cluster.SetReplicas(desired);
        }
    }

    public static string Describe(int target) => string.Create(CultureInfo.InvariantCulture, $"replicas = ceil(backlog / {target}), 30 s polling, 300 s cooldown");
}
