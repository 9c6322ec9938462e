using System.Collections.Concurrent;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Cluster.Tests;

public sealed record ScaleRequest(string Name, int Width);
public sealed record ScaleResult(string Name, int Width, int Served);

/// <summary>The shared descriptors a client and the silos both use.</summary>
public static class TypedTasks
{
    public static readonly TaskType<ScaleRequest, ScaleResult> Scale = new("scale");
}

/// <summary>
/// A scoped service, like a DbContext: records, per instance, the tasks it served and whether it was disposed. Silos
/// share the statics: they run in this process.
/// </summary>
public sealed class RunScopedLedger : IAsyncDisposable
{
    public static readonly ConcurrentDictionary<RunScopedLedger, byte> Instances = new();

    public RunScopedLedger() => Instances[this] = 0;

    public ConcurrentQueue<string> Served { get; } = new();
    public bool Disposed { get; private set; }

    /// <summary>The instances that served <paramref name="taskId"/>.</summary>
    public static RunScopedLedger[] Of(string taskId) => [.. Instances.Keys.Where(i => i.Served.Contains(taskId))];

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Doubles the width; a negative one is refused for good. Depends on a scoped service.</summary>
public sealed class ScaleHandler(RunScopedLedger ledger) : ITaskHandler<ScaleRequest, ScaleResult>
{
    public static TaskType<ScaleRequest, ScaleResult> TaskType => TypedTasks.Scale;

    public ValueTask<ScaleResult> HandleAsync(ScaleRequest input, TaskContext context, CancellationToken cancellationToken)
    {
        ledger.Served.Enqueue(context.TaskId);
        if (input.Width < 0) throw new NonRetryableTaskException($"width {input.Width} is negative");
        return ValueTask.FromResult(new ScaleResult(input.Name, input.Width * 2, ledger.Served.Count));
    }
}
