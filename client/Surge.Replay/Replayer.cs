using Surge.Client;

namespace Surge.Replay;

/// <summary>What happened to one workload task during a replay.</summary>
public sealed record ReplayResult(WorkloadTask Task, TaskStatus? Final, string? Rejection, double SojournMs, double CompletedAtMs);

/// <summary>Counts for a progress display.</summary>
public readonly record struct ReplayProgress(int Total, int Submitted, int Finished, int Failed, int Rejected);

public sealed class ReplayOptions
{
    /// <summary>Independent producers: task i is submitted by producer i mod N, so arrival order is not submission order. Default 4.</summary>
    public int Producers { get; set; } = 4;

    /// <summary>Whether simulated tasks really allocate their <c>memory_mb</c>. Default false.</summary>
    public bool Allocate { get; set; }
}

/// <summary>
/// Open-loop replay: each task is submitted at its <c>at_ms</c> offset whether or not earlier ones finished,
/// then followed to its final state. Sojourn = completion seen here − scheduled submit time.
/// </summary>
public sealed class Replayer(ISurgeClient client, TimeProvider time)
{
    public async Task<IReadOnlyList<ReplayResult>> RunAsync(IReadOnlyList<WorkloadTask> tasks, ReplayOptions options,
        IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Producers, 1);
        var counters = new Counters(tasks.Count);
        var results = new ReplayResult[tasks.Count];
        var start = time.GetTimestamp();
        using var reporter = progress is null ? null : time.CreateTimer(_ => progress.Report(counters.Snapshot()), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));

        var producers = Enumerable.Range(0, options.Producers).Select(p => Task.Run(async () =>
        {
            var running = new List<Task>();
            for (var i = p; i < tasks.Count; i += options.Producers)
            {
                var due = TimeSpan.FromMilliseconds(tasks[i].AtMs) - time.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due, time, cancellationToken);
                running.Add(RunOneAsync(tasks[i], i, start, options, results, counters, cancellationToken));
            }
            await Task.WhenAll(running);
        }, cancellationToken));
        await Task.WhenAll(producers);
        progress?.Report(counters.Snapshot());
        return results;
    }

    private async Task RunOneAsync(WorkloadTask task, int index, long start, ReplayOptions options, ReplayResult[] results,
        Counters counters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref counters.Submitted);
        TaskStatus final;
        try
        {
            final = await client.RunAsync(task.ToSpec(options.Allocate), cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is SurgeValidationException or SurgeUnavailableException)
        {
            if (e is SurgeUnavailableException && await FollowAsync(task.Id, cancellationToken) is { } followed)
            {
                final = followed;
            }
            else
            {
                Interlocked.Increment(ref counters.Rejected);
                results[index] = new ReplayResult(task, null, e.Message, double.NaN, double.NaN);
                return;
            }
        }
        var completedAt = time.GetElapsedTime(start).TotalMilliseconds;
        Interlocked.Increment(ref counters.Finished);
        if (final.State == TaskState.Failed) Interlocked.Increment(ref counters.Failed);
        results[index] = new ReplayResult(task, final, null, completedAt - task.AtMs, completedAt);
    }

    // A run that ended unavailable may have been accepted all the same (the wait failed, or the submission's answer was
    // lost): only a task the cluster does not know counts as rejected; one it knows is followed to its end.
    private async Task<TaskStatus?> FollowAsync(string taskId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetStatusAsync(taskId, cancellationToken) is null ? null : await client.WaitAsync(taskId, cancellationToken: cancellationToken);
        }
        catch (SurgeUnavailableException)
        {
            return null;
        }
    }

    private sealed class Counters(int total)
    {
        public int Submitted, Finished, Failed, Rejected;

        public ReplayProgress Snapshot() => new(total, Volatile.Read(ref Submitted), Volatile.Read(ref Finished), Volatile.Read(ref Failed), Volatile.Read(ref Rejected));
    }
}
