using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// The ordered workload as <c>bench ordered</c> replays it: builds' started/finished events from Surge's generator
/// (a "finished" waits for its "started", delivered interleaved and often out of order), with zero durations and all
/// due at once, so what is measured is the runtime's cost per event, not the handler or the arrival schedule.
/// </summary>
internal static class OrderedWorkload
{
    /// <summary>
    /// <paramref name="events"/> events (two per build) over <paramref name="entities"/> entities: build b belongs to
    /// entity b mod entities, and its event names carry the build, so builds sharing an entity do not satisfy each other.
    /// </summary>
    public static IReadOnlyList<WorkloadTask> Create(int entities, int events, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entities, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 2);
        var generated = WorkloadReader.Read(Workloads.Generate("ordered", events / 2, "--seed", $"{seed}"));
        return [.. generated.Select(t =>
        {
            var build = int.Parse(t.Entity!["build/".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return t with
            {
                AtMs = 0, DurationMs = 0, Entity = $"build/{build % entities:00000}",
                Event = $"{build}:{t.Event}", After = t.After is null ? null : $"{build}:{t.After}",
            };
        })];
    }

    /// <summary>
    /// One replay's copy with fresh task ids and entity keys under <paramref name="tag"/>: as entity events, or as plain
    /// tasks (no entity, same count and order).
    /// </summary>
    public static IReadOnlyList<WorkloadTask> Round(IReadOnlyList<WorkloadTask> workload, string tag, bool entity)
        => [.. workload.Select(t => entity
            ? t with { Id = $"{tag}-e-{t.Id}", Entity = $"{tag}/{t.Entity}" }
            : t with { Id = $"{tag}-t-{t.Id}", Entity = null, Event = null, After = null })];
}
