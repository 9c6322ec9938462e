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
