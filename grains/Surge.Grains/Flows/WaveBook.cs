using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>
/// What a wave knows of its entities, pure: the latest progress of each. Reports are one-way and a sweep's answers
/// arrive late, so either may come after a newer one: a report ranked below the one held is ignored, and an entity
/// counts as done once. The counts may be read from another thread (the metrics exporter) while reports come in: each
/// entry is an immutable record, so a read sees an old one or a new one, whole.
/// </summary>
internal sealed class WaveBook(FlowPlan plan, int entities)
{
    private readonly EntityProgress?[] _progress = new EntityProgress?[entities];

    public int Entities => _progress.Length;
    public int Done { get; private set; }
    public bool AllDone => Done == _progress.Length;

    public bool IsDone(int entity) => _progress[entity]?.Done == true;

    /// <summary>Takes a report unless an equal or newer one is held; true when it was taken.</summary>
    public bool Update(int entity, EntityProgress progress)
    {
        var current = _progress[entity];
        if (current is not null && progress.Rank <= current.Rank) return false; // equal ranks are equal states: done once
        var was = current?.Done == true;
        _progress[entity] = progress;
        if (progress.Done && !was) Done++;
        return true;
    }

    /// <summary>Per task version, how many entities are at each state; entities not heard from count as pending.</summary>
    public ImmutableArray<WaveTaskCount> Counts()
    {
        var counts = new int[plan.Steps.Length, 5];
        foreach (var entity in _progress)
            for (var i = 0; i < plan.Steps.Length; i++)
                counts[i, (int)(entity?.Steps is { IsDefault: false } s && i < s.Length ? s[i] : StepState.Pending)]++;
        return [.. plan.Steps.Select(step => new WaveTaskCount(step.Task.Name, step.Version,
            counts[step.Index, (int)StepState.Pending], counts[step.Index, (int)StepState.Running], counts[step.Index, (int)StepState.Finished],
            counts[step.Index, (int)StepState.Degraded], counts[step.Index, (int)StepState.Failed]))];
    }

    /// <summary>When the last entity's last step ended, or null before any did.</summary>
    public DateTimeOffset? LastEnd => _progress.Select(p => p?.EndedAt).Max();

    /// <summary>The longest of the entities' critical paths.</summary>
    public double CriticalPathSeconds => _progress.Select(p => p?.CriticalPathSeconds ?? 0).DefaultIfEmpty(0).Max();
}
