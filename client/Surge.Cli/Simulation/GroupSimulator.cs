
namespace Surge.Cli.Simulation;

/// <summary>
/// One silo group under simulation (<c>--groups short:8,long:8</c>): the pool it hosts (its name), its pods' slots,
/// start delay and price per pod-second, and whether its pods are spot pods that get reclaimed.
/// </summary>
public sealed record SimulatedGroup(string Name, int SlotsPerPod, TimeSpan PodStartDelay, double Price, bool Spot);

/// <summary>
/// One group's share of a grouped run: pod-seconds until the whole run ended, and what they cost;
/// <see cref="FloorPodSeconds"/>: the part its fewest pods (the minimum, always on) account for.
/// </summary>
public sealed record GroupResult(SimulatedGroup Group, int Tasks, SimulationResult Result, double PodSeconds, double Cost, double FloorPodSeconds = 0);

/// <summary>A grouped run's totals. <see cref="LostTasks"/>: tasks that never finished (a reclaim re-queues, so 0).</summary>
public sealed record GroupedResult(IReadOnlyList<GroupResult> Groups, int Tasks, double P95WaitMs, double PodSeconds, double Cost)
{
    public int Completed => Groups.Sum(g => g.Result.Completed);
    public int LostTasks => Tasks - Completed;
    public int Reclaims => Groups.Sum(g => g.Result.Reclaims);
    public int Requeued => Groups.Sum(g => g.Result.Requeued);
}

/// <summary>
/// Silo groups under simulation: each group has its own queue, pods and policy (the autoscaler decides per group), and
/// a task goes to the group hosting its pool. The groups share nothing but the clock, so each runs on its own; every
/// group runs on, and its pods are paid, until the last task anywhere finished, as they would be running side by side.
/// </summary>
public static class GroupSimulator
{
    /// <summary>Tasks shorter than this go to the group named short, the rest to long (the routing default).</summary>
    public const double ShortMs = Replay.WorkloadTask.ShortMs;

    public static GroupedResult Run(IReadOnlyList<SimulatedTask> tasks, IReadOnlyList<SimulatedGroup> groups, SimulationOptions template,
        Func<SimulatedGroup, SimulationOptions, TimeProvider, SimulatedPolicy> createPolicy)
    {
        var setups = groups.Select(g => (Group: g, Options: OptionsOf(g, template), Tasks: tasks.Where(t => GroupOf(t, groups) == g.Name).ToList())).ToList();
        SimulationResult RunOne((SimulatedGroup Group, SimulationOptions Options, List<SimulatedTask> Tasks) s, double untilMs)
            => AutoscaleSimulator.Run(s.Tasks, s.Options, clock => createPolicy(s.Group, s.Options, clock), untilMs);
        // Each group on its own first, to learn when the last task anywhere finished; then each group that finished
        // earlier again, running on to that moment, so its policy keeps deciding (and may let pods go) while it is paid.
        var first = setups.Select(s => RunOne(s, 0)).ToList();
        var endMs = first.Max(r => r.EndMs);
        var results = setups.Select((s, i) =>
        {
            var result = first[i].EndMs < endMs ? RunOne(s, endMs) : first[i];
            var podSeconds = Math.Round(result.PodSeconds, 1);
            return new GroupResult(s.Group, s.Tasks.Count, result, podSeconds, Math.Round(podSeconds * s.Group.Price, 1),
                Math.Round(template.MinReplicas * endMs / 1000, 1));
        }).ToList();
        var waits = results.SelectMany(r => r.Result.WaitsMs ?? []).ToList();
        return new GroupedResult(results, tasks.Count, Math.Round(Percentiles.Of(waits, 0.95), 1),
            Math.Round(results.Sum(r => r.PodSeconds), 1), Math.Round(results.Sum(r => r.Cost), 1));
    }

    private static SimulationOptions OptionsOf(SimulatedGroup g, SimulationOptions template) => new()
    {
        PodStartDelay = g.PodStartDelay,
        SlotsPerPod = g.SlotsPerPod,
        MaxConcurrencyPerPod = Math.Max(g.SlotsPerPod, g.SlotsPerPod * template.MaxConcurrencyPerPod / template.SlotsPerPod),
        MinReplicas = template.MinReplicas,
        MaxReplicas = template.MaxReplicas,
        SpotReclaimEvery = g.Spot ? template.SpotReclaimEvery : TimeSpan.Zero,
        ReclaimNotice = template.ReclaimNotice,
    };

    /// <summary>The group a task runs in: short tasks in a group named short when there is one, the rest in long, else the first group.</summary>
    public static string GroupOf(SimulatedTask task, IReadOnlyList<SimulatedGroup> groups)
    {
        var pool = task.DurationMs < ShortMs ? "short" : "long";
        return groups.Any(g => g.Name == pool) ? pool : groups[0].Name;
    }
}
