using System.Collections.Concurrent;
using Surge.Workers;

namespace Surge.Cluster.Tests;

/// <summary>Counts executions per task id: proves a task ran exactly once. Silos share it: they run in this process.</summary>
public sealed class CountingHandler : ITaskHandler
{
    public const string TypeName = "count";
    public static readonly ConcurrentDictionary<string, int> Runs = new();

    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Runs.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>("\"counted\""u8.ToArray());
    }
}

/// <summary>Refuses every task at submission while <see cref="Refuse"/> is set: a handler whose check changed.</summary>
public sealed class PickyHandler : ITaskHandler, IValidatingHandler
{
    public const string TypeName = "picky";
    public static volatile bool Refuse;
    public static readonly ConcurrentDictionary<string, int> Runs = new();

    public void Validate(TaskSpec spec)
    {
        if (Refuse) throw new SurgeValidationException("payload", "refused by the test's picky handler");
    }

    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Runs.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
        return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
    }
}

/// <summary>Blocks until the test opens the gate, so tests can see how many run at once.</summary>
public sealed class GateHandler : ITaskHandler
{
    public const string TypeName = "gate";
    private static TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    public static void Open() => _gate.TrySetResult();

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        return ReadOnlyMemory<byte>.Empty;
    }
}

/// <summary>
/// Records when each run started and ended, and runs until the test releases its task id (or its token fires), so
/// tests can check that runs never overlap and how often each ran.
/// </summary>
public sealed class IntervalHandler : ITaskHandler
{
    public const string TypeName = "interval";
    public static readonly ConcurrentQueue<(string TaskId, string? Entity, int Attempt, DateTimeOffset Start, DateTimeOffset End)> Runs = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Latches = new();
    private static readonly ConcurrentDictionary<string, int> Running = new();

    public static void Release(string taskId) => Latch(taskId).TrySetResult();

    public static bool IsRunning(string taskId) => Running.GetValueOrDefault(taskId) > 0;

    public static int RunsOf(string taskId) => Runs.Count(r => r.TaskId == taskId) + Running.GetValueOrDefault(taskId);

    private static TaskCompletionSource Latch(string taskId) => Latches.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        Running.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
        try
        {
            await Latch(context.TaskId).Task.WaitAsync(cancellationToken);
            return ReadOnlyMemory<byte>.Empty;
        }
        finally
        {
            Running.AddOrUpdate(context.TaskId, 0, (_, n) => n - 1);
            Runs.Enqueue((context.TaskId, context.Entity, context.Attempt, start, DateTimeOffset.UtcNow));
        }
    }
}

/// <summary>Returns as many bytes as its payload's "bytes" asks for: results past Surge:Tasks:MaxResultBytes.</summary>
public sealed class BigResultHandler : ITaskHandler
{
    public const string TypeName = "big-result";

    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        using var payload = System.Text.Json.JsonDocument.Parse(context.Payload);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[payload.RootElement.GetProperty("bytes").GetInt32()]);
    }
}
