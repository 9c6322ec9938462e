namespace Surge.Workers;

/// <summary>
/// User work for one task type, registered with <c>AddSurgeWorkers(w =&gt; w.AddHandler&lt;T&gt;("type"))</c>.
/// Runs on the thread pool, outside any grain. Throwing fails the task with the exception's message; the silo goes on.
/// Resolved for each run from a DI scope of its own, disposed when the run ends: it may depend on scoped services.
/// For typed payloads and results see <see cref="ITaskHandler{TIn, TOut}"/>.
/// </summary>
public interface ITaskHandler
{
    /// <returns>Result bytes recorded with the task (UTF-8 JSON by convention; empty for none).</returns>
    ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A handler whose logic (or model) has a version: cached results of deterministic types are keyed by it, so a new
/// version never serves an old one's results. Read at each submission, so it may change while the silo runs.
/// </summary>
public interface IVersionedHandler
{
    /// <summary>The handler's current version; any string, compared for equality only.</summary>
    string Version { get; }
}

/// <summary>A handler that checks a task's payload when it is submitted, so a bad one is refused before it is accepted.</summary>
public interface IValidatingHandler
{
    /// <summary>Throws <see cref="SurgeValidationException"/> naming the field and the fix.</summary>
    void Validate(TaskSpec spec);
}

/// <summary>What a handler knows of the task it runs.</summary>
public sealed class TaskContext
{
    /// <summary>The task's id: the same on every attempt, so a handler can use it to make its side effects idempotent.</summary>
    public required string TaskId { get; init; }
    /// <summary>The task type it was registered for.</summary>
    public required string Type { get; init; }
    /// <summary>The payload as submitted (UTF-8 JSON by convention); typed handlers receive it deserialized.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }
    /// <summary>The features the predictor read; the handler may use them too.</summary>
    public required IReadOnlyDictionary<string, FeatureValue> Features { get; init; }
    /// <summary>The entity whose event this is; null for an independent task.</summary>
    public string? Entity { get; init; }
    /// <summary>The event's name within its entity.</summary>
    public string? Event { get; init; }
    /// <summary>1 for the first execution; higher when the task runs again (after a crash or a retry).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// For a task a wave runs: its place in the flow and its input pipes (<see cref="FlowStep.Input{T}"/>).
    /// Its result becomes its output pipe. Null for other tasks.
    /// </summary>
    public FlowStep? Flow { get; init; }

    /// <summary>
    /// Set by the handler to report the memory it needed (MiB): history learns from it, and memory-aware admission
    /// then reserves that much for tasks like it. Unreported counts as 0.
    /// </summary>
    public double MemoryMb { get; set; }
}
