using Surge.Replay;

namespace Surge.Bench.Chaos;

/// <summary>
/// The producers' load, modest for 2 cores: the generated mixed workload at its default rate (~75 tasks/s, sized for 8
/// slots at 70%) and the ordered one at one build every 40 ms (~50 events/s), both cut at the run's length. A build
/// with any event past the end is left out whole, so no event waits for a predecessor that is never submitted.
/// </summary>
internal static class ChaosWorkload
{
    private const double MixedTasksPerS = 3000 / 40.0; // a generated mixed --n 3000 spans 40 s at its defaults
    private const int OrderedGapMs = 40;

    public static IReadOnlyList<WorkloadTask> Create(TimeSpan duration)
    {
        var endMs = (long)duration.TotalMilliseconds;
        var mixed = WorkloadReader.Read(Workloads.Generate("mixed", (int)(duration.TotalSeconds * MixedTasksPerS * 1.2) + 100));
        var ordered = WorkloadReader.Read(Workloads.Generate("ordered", (int)(endMs / OrderedGapMs) + 50, "--gap-ms", $"{OrderedGapMs}"));
        var late = ordered.Where(t => t.AtMs >= endMs).Select(t => t.Entity).ToHashSet();
        return [.. mixed.Where(t => t.AtMs < endMs).Concat(ordered.Where(t => !late.Contains(t.Entity))).OrderBy(t => t.AtMs)];
    }
}
