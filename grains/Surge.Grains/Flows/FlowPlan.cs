using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>One task version of a wave: what runs, and which steps' outputs it reads.</summary>
/// <param name="Index">Its place in <see cref="FlowPlan.Steps"/>, stable for the wave.</param>
/// <param name="Task">The flow's task it runs.</param>
/// <param name="Version">The version it runs: the task's own, or one the wave request named.</param>
/// <param name="Inputs">Per input pipe, the step that writes the version of it this step reads.</param>
[GenerateSerializer, Immutable]
internal sealed record PlanStep(
    [property: Id(0)] int Index,
    [property: Id(1)] FlowTask Task,
    [property: Id(2)] string Version,
    [property: Id(3)] ImmutableArray<PipeInput> Inputs);

/// <summary>An input pipe and the step that writes it.</summary>
[GenerateSerializer, Immutable]
internal readonly record struct PipeInput([property: Id(0)] string Pipe, [property: Id(1)] int Producer);

/// <summary>
/// A flow compiled for a wave: one step per task and version, each input joined to the step that writes it. A task run
/// in several versions side by side writes one pipe per version; readers read the first version given.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record FlowPlan(
    [property: Id(0)] string Wave,
    [property: Id(1)] FlowDefinition Flow,
    [property: Id(2)] string Date,
    [property: Id(3)] ImmutableArray<PlanStep> Steps)
{
    public const int MaxVersionsPerTask = 4;

    /// <summary>
    /// Compiles a validated flow. <paramref name="versions"/> replaces tasks' versions; throws
    /// <see cref="SurgeValidationException"/> for a task the flow does not have or a malformed version.
    /// </summary>
    public static FlowPlan Create(string wave, FlowDefinition flow, string date, IReadOnlyDictionary<string, ImmutableArray<string>>? versions = null)
    {
        foreach (var (task, given) in versions ?? ImmutableDictionary<string, ImmutableArray<string>>.Empty)
        {
            if (flow.Task(task) is null)
                throw new SurgeValidationException("versions", $"flow '{flow.Name}' has no task '{task}'; name one of: {string.Join(", ", flow.Tasks.Select(t => t.Name))}");
            if (given.IsDefaultOrEmpty || given.Length > MaxVersionsPerTask || given.Distinct().Count() != given.Length)
                throw new SurgeValidationException("versions", $"give task '{task}' 1 to {MaxVersionsPerTask} different versions");
            foreach (var v in given)
                if (!FlowValidator.IsVersion(v)) throw new SurgeValidationException("versions", $"\"{v}\" (task '{task}') is not a version; write v1, v2, 1.2 or 1.2.3");
        }
        var steps = new List<(FlowTask Task, string Version)>();
        var reads = new Dictionary<string, int>(StringComparer.Ordinal); // pipe -> the step of its first version
        foreach (var task in flow.Tasks)
        {
            var taskVersions = versions?.GetValueOrDefault(task.Name) is { IsDefaultOrEmpty: false } v ? v : [task.Version];
            reads[task.Output] = steps.Count;
            steps.AddRange(taskVersions.Select(version => (task, version)));
        }
        return new FlowPlan(wave, flow, date, [.. steps.Select((s, i) => new PlanStep(i, s.Task, s.Version,
            [.. s.Task.Inputs.Select(pipe => new PipeInput(pipe, reads[pipe]))]))]);
    }

    /// <summary>The key of the pipe <paramref name="step"/> writes for <paramref name="entity"/>.</summary>
    public string OutputKey(PlanStep step, string entity) => PipeKey.Of(step.Version, step.Task.Output, entity, Date);

    /// <summary>The task id a step runs under for an entity: the same after any restart, so submitting it again runs nothing twice.</summary>
    public string TaskId(PlanStep step, string entity) => $"wave:{Wave}:{entity}:{step.Task.Name}@{step.Version}";
}
