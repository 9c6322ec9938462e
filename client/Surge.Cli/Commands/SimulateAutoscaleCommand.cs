using System.CommandLine;
using System.Text.Json;
using Surge.Autoscale;
using Surge.Cli.CommandLine;
using Surge.Cli.Simulation;
using Surge.Replay;

namespace Surge.Cli.Commands;

/// <summary>
/// <c>surge simulate-autoscale</c>: the real autoscale policy against a simulated cluster on a virtual clock, beside
/// two reference policies on the same workload. Prints Surge's timeline, then one summary JSON line per policy; with
/// <c>--groups</c>, then Surge per silo group (<see cref="GroupSimulator"/>) against Surge with one group.
/// </summary>
internal static class SimulateAutoscaleCommand
{
    public static Command Create(CliContext context)
    {
        var workload = new Argument<string>("WORKLOAD.jsonl") { Description = "the workload to simulate, e.g. one from surge workload generate burst" };
        var podStartDelay = CliOptions.Int("--pod-start-delay", 45, 0, 3600, "seconds from a scale-up to a ready pod");
        var slotsPerPod = CliOptions.Int("--slots-per-pod", 8, 1, 10_000, "slots a pod runs at first");
        var maxConcurrency = CliOptions.OptionalInt("--max-concurrency", 1, 100_000, "N", "the in-silo autoscaler's ceiling a pod (default 4 x --slots-per-pod)");
        var min = CliOptions.Int("--min", 1, 1, 1000, "fewest pods");
        var max = CliOptions.OptionalInt("--max", 1, 1000, "N", "most pods (default 10, at least --min)");
        var kedaTarget = CliOptions.OptionalInt("--keda-target", 1, 1_000_000, "N", "the queue-proportional reference's tasks a pod (default --slots-per-pod)");
        var quiet = CliOptions.Flag("--quiet", "only the summary lines, not Surge's timeline");
        var html = CliOptions.OutputFile("--html", "TIMELINE.html", "also write a page: backlog, slots, pods requested and pods ready over time, per policy");
        var groups = CliOptions.Text("--groups", "SPEC", "also per silo group, e.g. short:8,long:8:60 (pool:slots a pod[:start delay s]): short tasks on short's pods");
        var price = CliOptions.Text("--price", "SPEC", "each group's price per pod-second, e.g. short=0.3,long=1.0 (default 1; one group pays the dearest)");
        var reclaimEvery = CliOptions.Int("--spot-reclaim-every", 0, 0, 86_400, "seconds between reclaims of a short-group (spot) pod; 0: none");
        var command = new Command("simulate-autoscale", "the real autoscale policy against a simulated cluster, beside reference policies")
            { workload, podStartDelay, slotsPerPod, maxConcurrency, min, max, kedaTarget, quiet, html, groups, price, reclaimEvery };
        command.SetAction(result =>
        {
            var tasks = WorkloadReader.Read(result.GetRequiredValue(workload)).Select(t => new SimulatedTask(t.AtMs, t.DurationMs)).ToList();
            var options = new SimulationOptions
            {
                PodStartDelay = TimeSpan.FromSeconds(result.GetValue(podStartDelay)),
                SlotsPerPod = result.GetValue(slotsPerPod),
                MinReplicas = result.GetValue(min),
            };
            // Their ranges depend on other options, so they are checked here rather than by the parser.
            options.MaxConcurrencyPerPod = InRange("--max-concurrency", result.GetValue(maxConcurrency) ?? options.SlotsPerPod * 4, options.SlotsPerPod, 100_000);
            options.MaxReplicas = InRange("--max", result.GetValue(max) ?? 10, options.MinReplicas, 1000);
            var keda = InRange("--keda-target", result.GetValue(kedaTarget) ?? options.SlotsPerPod, 1, 1_000_000);
            var autoscale = new AutoscaleOptions { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas, PodStartDelay = options.PodStartDelay };
            var grouped = Groups(result.GetValue(groups), result.GetValue(price), result.GetValue(reclaimEvery), options.PodStartDelay);

            var results = new[]
            {
                AutoscaleSimulator.Run(tasks, options, clock => new SurgePolicy(autoscale, clock)),
                AutoscaleSimulator.Run(tasks, options, _ => new StaticMaxPolicy()),
                AutoscaleSimulator.Run(tasks, options, _ => new QueueProportionalPolicy(keda)),
                OraclePolicy.Run(tasks, options),
            };
            var stdout = context.Stdout;
            if (result.GetValue(html) is { } htmlPath)
                File.WriteAllText(htmlPath, AutoscaleHtml.Build($"{tasks.Count} tasks of {Path.GetFileName(result.GetRequiredValue(workload))}; pods start in {options.PodStartDelay.TotalSeconds:0} s, {options.SlotsPerPod} slots a pod (in-silo up to {options.MaxConcurrencyPerPod}), {options.MinReplicas}-{options.MaxReplicas} pods.", results).Render());
            if (!result.GetValue(quiet))
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
            if (grouped is not null)
            {
                // Each group's own autoscaler, as the grain runs one per group, knowing its own pods' start delay. Only
                // the groups' spot pods are reclaimed: the one-group runs above had none.
                options.SpotReclaimEvery = TimeSpan.FromSeconds(result.GetValue(reclaimEvery));
                var run = GroupSimulator.Run(tasks, grouped, options, (g, o, clock) => new SurgePolicy(
                    new AutoscaleOptions { MinReplicas = o.MinReplicas, MaxReplicas = o.MaxReplicas, PodStartDelay = o.PodStartDelay }, clock));
                if (!result.GetValue(quiet))
                    foreach (var g in run.Groups) foreach (var line in g.Result.Timeline) stdout.WriteLine($"# [{g.Group.Name}] {line}");
                GroupSummary.Write(stdout, run, results[0]);
            }
            return SurgeCli.Ok;
        });
        return command;
    }

    private static List<SimulatedGroup>? Groups(string? groups, string? prices, int reclaimEvery, TimeSpan podStartDelay)
    {
        if (groups is null)
            return prices is null && reclaimEvery == 0 ? null
                : throw new UsageException("--price and --spot-reclaim-every describe silo groups; give --groups too, e.g. --groups short:8,long:8");
        try
        {
            return [.. GroupSummary.Parse(groups, prices, podStartDelay)];
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static int InRange(string name, int value, int min, int max)
        => value >= min && value <= max ? value : throw new UsageException($"{name} is '{value}'; give a whole number from {min} to {max}");
}
