using System.Text.Json;
using Surge.Autoscale;
using Surge.Cli.Simulation;
using Surge.Replay;

namespace Surge.Cli.Commands;

/// <summary>
/// <c>surge simulate-autoscale</c>: the real autoscale policy against a simulated cluster on a virtual clock, beside
/// two reference policies on the same workload. Prints Surge's timeline, then one summary JSON line per policy.
/// </summary>
internal static class SimulateAutoscaleCommand
{
    public static int Run(CliArgs args, TextWriter stdout)
    {
        args.RejectUnknown("pod-start-delay", "slots-per-pod", "max-concurrency", "min", "max", "keda-target", "quiet");
        if (args.Positional.Count != 1) throw new UsageException("simulate-autoscale takes one workload file, e.g. surge simulate-autoscale burst.jsonl");
        var tasks = WorkloadReader.Read(args.Positional[0]).Select(t => new SimulatedTask(t.AtMs, t.DurationMs)).ToList();
        var options = new SimulationOptions
        {
            PodStartDelay = TimeSpan.FromSeconds(args.GetInt("pod-start-delay", 45, 0, 3600)),
            SlotsPerPod = args.GetInt("slots-per-pod", 8, 1, 10_000),
            MinReplicas = args.GetInt("min", 1, 1, 1000),
        };
        options.MaxConcurrencyPerPod = args.GetInt("max-concurrency", options.SlotsPerPod * 4, options.SlotsPerPod, 100_000);
        options.MaxReplicas = args.GetInt("max", 10, options.MinReplicas, 1000);
        var kedaTarget = args.GetInt("keda-target", options.SlotsPerPod, 1, 1_000_000);
        var autoscale = new AutoscaleOptions { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas, PodStartDelay = options.PodStartDelay };

        var results = new[]
        {
            AutoscaleSimulator.Run(tasks, options, clock => new SurgePolicy(autoscale, clock)),
            AutoscaleSimulator.Run(tasks, options, _ => new StaticMaxPolicy()),
            AutoscaleSimulator.Run(tasks, options, _ => new QueueProportionalPolicy(kedaTarget)),
            OraclePolicy.Run(tasks, options),
        };
        if (!args.Has("quiet"))
        {
            stdout.WriteLine($"# surge: {tasks.Count} tasks, pods start in {options.PodStartDelay.TotalSeconds:0}s, {options.SlotsPerPod} slots a pod (in-silo up to {options.MaxConcurrencyPerPod}), {options.MinReplicas}-{options.MaxReplicas} pods");
            foreach (var line in results[0].Timeline) stdout.WriteLine($"# {line}");
        }
        foreach (var r in results)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                policy = r.Policy,
                p95_wait_ms = r.P95WaitMs,
                max_backlog = r.MaxBacklog,
                pod_seconds = r.PodSeconds,
                scale_events = r.ScaleEvents,
                time_to_drain_s = r.TimeToDrainS,
            }));
        }
        return SurgeCli.Ok;
    }
}
