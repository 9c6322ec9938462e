namespace Surge.Workers;

/// <summary>
/// User work for one typed task: <typeparamref name="TIn"/> in, <typeparamref name="TOut"/> out, as JSON per
/// <see cref="TaskType"/>. Registered with <c>AddSurgeWorkers(w =&gt; w.AddHandler&lt;THandler&gt;())</c>, which takes
/// the type name from <see cref="TaskType"/>. Resolved from a DI scope of its own for each run, so it may depend on
/// scoped services (a <c>DbContext</c>); the scope is disposed when the run ends.
/// </summary>
/// <remarks>
/// The descriptor is a static abstract member rather than an attribute: an attribute cannot hold a
/// <see cref="TaskType{TIn, TOut}"/> (only constants), so it would repeat the name as a string the compiler does not
/// check against the handler's TIn and TOut; a static member names the shared descriptor itself.
/// A payload that is not a <typeparamref name="TIn"/> fails its task, without retries, before the handler is called.
/// </remarks>
public interface ITaskHandler<TIn, TOut>
{
    /// <summary>The descriptor of the type this handler runs, e.g. <c>public static TaskType&lt;A, B&gt; TaskType =&gt; Tasks.Resize;</c>.</summary>
    static abstract TaskType<TIn, TOut> TaskType { get; }

    /// <summary>Throwing fails the task with the exception's message; the silo goes on.</summary>
    ValueTask<TOut> HandleAsync(TIn input, TaskContext context, CancellationToken cancellationToken);
}
