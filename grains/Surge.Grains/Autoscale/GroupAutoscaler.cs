using Microsoft.Extensions.Logging;

namespace Surge.Autoscale;

/// <summary>
/// The autoscaler's state across silo groups (<c>Surge:Silo:Group</c>): each group has its own policy and controller,
/// so a backlog in one group's pools asks for that group's pods only. A report ticks the reporting silo's group, from
/// that group's silos alone; its replica count is the number of the group's silos reporting and not draining. Not an
/// Orleans type, so it can be tested against a Kubernetes API stand-in.
/// </summary>
internal sealed class GroupAutoscaler(AutoscaleOptions options, IPodScaler pods, ReplicaReadings readings, TimeProvider time, ILoggerFactory loggers)
{
    // Each silo's latest signal, with when it arrived on this grain's clock: staleness is judged by that, never by the
    // signal's At (the silo's own clock), or a silo whose clock runs ahead would stay "fresh" long after it died, and
    // one whose clock runs behind would be dropped as soon as it reported.
    private readonly Dictionary<string, (SiloSignal Signal, DateTimeOffset ReceivedAt)> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AutoscaleController> _groups = new(StringComparer.Ordinal);
    private readonly MemoryRecommender _memory = new();

    /// <summary>The newest decisions of every group, newest last.</summary>
    public IReadOnlyList<AutoscaleDecision> History(int max)
        => [.. _groups.Values.SelectMany(c => c.History(max)).OrderBy(d => d.At).TakeLast(max)];

    /// <summary>The latest signals of the silos reporting now.</summary>
    public IReadOnlyCollection<SiloSignal> Silos => [.. _latest.Values.Select(s => s.Signal)];

    public async Task<IReadOnlyList<AutoscaleDecision>> ReportAsync(SiloSignal signal, Func<AutoscaleDecision, Task> setConcurrency, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _latest[signal.Silo] = (signal, now);
        // A silo that stopped reporting is gone (or going): three intervals of silence.
        var stale = now - 3 * options.Interval;
        foreach (var silo in _latest.Where(s => s.Value.ReceivedAt < stale).Select(s => s.Key).ToList()) _latest.Remove(silo);

        var group = GroupOf(signal);
        _memory.Observe(group, signal, now);
        var silos = _latest.Values.Select(s => s.Signal).Where(s => GroupOf(s) == group).ToList();
        var controller = Controller(group);
        // A draining silo's pod is on its way out (scaled down, or reclaimed and replaced): not one of the group's pods.
        var decisions = await controller.TickAsync(silos, silos.Count(s => !s.Draining), setConcurrency, cancellationToken);
        UpdateReadings();
        return decisions;
    }

    /// <summary>Per group, the pod memory its silos' tasks call for (recommended, never applied).</summary>
    public MemoryRecommendation[] MemoryRecommendations() => _memory.Recommend();

    /// <summary>Until that silo reports again, reason with the limit it has now, not the one it reported.</summary>
    public void Applied(PoolTarget target, int limit)
    {
        // Not a report: the silo's silence is still counted from its last signal.
        if (_latest.TryGetValue(target.Silo, out var latest))
            _latest[target.Silo] = latest with { Signal = latest.Signal with { Pools = [.. latest.Signal.Pools.Select(p => p.Pool == target.Pool ? p with { Limit = limit } : p)] } };
    }

    private static string GroupOf(SiloSignal signal) => string.IsNullOrEmpty(signal.Group) ? Surge.Silos.SiloGroupOptions.DefaultGroup : signal.Group;

    private AutoscaleController Controller(string group)
    {
        if (_groups.TryGetValue(group, out var controller)) return controller;
        var groupOptions = options.ForGroup(group);
        controller = new AutoscaleController(new AutoscalePolicy(groupOptions, time), pods, loggers.CreateLogger<AutoscaleController>(), group, options.Pods);
        _groups[group] = controller;
        return controller;
    }

    // Desired: what the group's pods were last set to (or would have been, for an external scaler), else the silos
    // reporting within the group's bounds. A group with no silo reporting has no series.
    private void UpdateReadings()
    {
        // Pods that take work, as the decisions count them: a draining silo is on its way out.
        var counts = _latest.Values.Select(s => s.Signal).GroupBy(GroupOf).ToDictionary(g => g.Key, g => g.Count(s => !s.Draining), StringComparer.Ordinal);
        readings.Update(counts.ToDictionary(c => c.Key, c =>
        {
            var bounds = options.ForGroup(c.Key);
            var desired = options.Pods == PodScaling.Off ? c.Value
                : _groups.GetValueOrDefault(c.Key)?.DesiredReplicas ?? Math.Clamp(c.Value, bounds.MinReplicas, bounds.MaxReplicas);
            return (desired, c.Value);
        }, StringComparer.Ordinal));
        readings.UpdateMemory(_memory.Recommend());
    }
}
