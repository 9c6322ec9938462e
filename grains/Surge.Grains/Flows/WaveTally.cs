using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>Counts per task version and state over a wave's entities, pure. Entities not heard from yet count as pending.</summary>
public static class WaveTally
{
    public static ImmutableArray<WaveTaskCount> Count(FlowPlan plan, IReadOnlyList<EntityProgress?> entities)
    {
        var counts = new int[plan.Steps.Length, 5];
        foreach (var entity in entities)
            for (var i = 0; i < plan.Steps.Length; i++)
                counts[i, (int)(entity?.Steps is { IsDefault: false } s && i < s.Length ? s[i] : StepState.Pending)]++;
        return [.. plan.Steps.Select(step => new WaveTaskCount(step.Task.Name, step.Version,
            counts[step.Index, (int)StepState.Pending], counts[step.Index, (int)StepState.Running], counts[step.Index, (int)StepState.Finished],
            counts[step.Index, (int)StepState.Degraded], counts[step.Index, (int)StepState.Failed]))];
    }
}
