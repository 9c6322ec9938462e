using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>Builds a <see cref="FlowDefinition"/> in code; <see cref="Build"/> validates it.</summary>
public sealed class FlowBuilder(string name)
{
    /// <summary>How long a task waits for its inputs unless told otherwise.</summary>
    public static readonly TimeSpan DefaultDependencyTimeout = TimeSpan.FromHours(1);

    private readonly ImmutableArray<FlowTask>.Builder _tasks = ImmutableArray.CreateBuilder<FlowTask>();
    private TimeSpan _pipeTtl = FlowDefinition.DefaultPipeTtl;

    /// <summary>Adds a task that reads <paramref name="inputs"/> and writes <paramref name="output"/>.</summary>
    public FlowBuilder Task(string name, string type, string version, string output, IEnumerable<string>? inputs = null,
        TimeSpan? dependencyTimeout = null, string payload = "{}")
    {
        _tasks.Add(new FlowTask(name, type, version, [.. inputs ?? []], output, dependencyTimeout ?? DefaultDependencyTimeout, payload));
        return this;
    }

    /// <summary>How long this flow's pipes are kept (default 7 days).</summary>
    public FlowBuilder KeepPipes(TimeSpan ttl)
    {
        _pipeTtl = ttl;
        return this;
    }

    /// <summary>The definition; throws <see cref="SurgeValidationException"/> naming every bad task and field.</summary>
    public FlowDefinition Build()
    {
        var flow = Unvalidated();
        FlowValidator.Validate(flow);
        return flow;
    }

    /// <summary>The definition as given, for a caller that lists its failures with <see cref="FlowValidator.Check"/>.</summary>
    public FlowDefinition Unvalidated() => new(name, _tasks.ToImmutable(), _pipeTtl);
}
