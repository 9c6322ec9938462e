using Surge.Client;

namespace Surge.Bench.Chaos;

/// <summary>
/// Kill-to-recovery: after each kill -9, one probe task per task shard (ids picked with <see cref="TaskShards.For"/>),
/// each submitted again every 250 ms (same id, so idempotent) until it is accepted. The kill's recovery time is when
/// the last of the 256 shards accepted again: every shard the dead silo held has come back on a live silo.
/// A probe attempt gets 5 s before the next one starts; a slow attempt that succeeds later still counts when it does.
/// Probes are no-op <c>simulate</c> tasks outside the workload's counts.
/// </summary>
internal sealed class RecoveryProbes(ISurgeClient surge, CancellationToken stop)
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(250), AttemptLimit = TimeSpan.FromSeconds(5), GiveUp = TimeSpan.FromSeconds(120);
    private readonly Lock _gate = new();
    private readonly List<Task<double?>> _rounds = [];
    private int _round;

    public void Start(DateTimeOffset killedAt)
    {
        var round = Interlocked.Increment(ref _round);
        lock (_gate) _rounds.Add(Task.Run(() => RoundAsync(round, killedAt)));
    }

    /// <summary>Seconds from each kill until every shard accepted again; null for a kill after which some never did (within 120 s).</summary>
    public async Task<double?[]> ResultsAsync()
    {
        Task<double?>[] rounds;
        lock (_gate) rounds = [.. _rounds];
        return await Task.WhenAll(rounds);
    }

    private async Task<double?> RoundAsync(int round, DateTimeOffset killedAt)
    {
        var ids = IdsPerShard($"probe-{round}-");
        var recovered = await Task.WhenAll(ids.Select(id => ProbeAsync(id, killedAt)));
        return recovered.Any(r => r is null) ? null : Math.Round(recovered.Max(r => r!.Value), 1);
    }

    private async Task<double?> ProbeAsync(string id, DateTimeOffset killedAt)
    {
        var spec = TaskSpec.Create("simulate", """{"duration_ms":0}""", id: id);
        var accepted = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (DateTimeOffset.UtcNow - killedAt < GiveUp && !stop.IsCancellationRequested)
        {
            var attempt = surge.SubmitAsync(spec, stop);
            _ = attempt.ContinueWith(t => { if (t.IsCompletedSuccessfully) accepted.TrySetResult(DateTimeOffset.UtcNow); }, TaskScheduler.Default);
            await Task.WhenAny(attempt, Task.Delay(AttemptLimit, stop));
            if (!accepted.Task.IsCompleted) await Task.WhenAny(accepted.Task, Task.Delay(Retry, stop));
            if (accepted.Task.IsCompleted) return ((await accepted.Task) - killedAt).TotalSeconds;
        }
        return null;
    }

    private static string[] IdsPerShard(string prefix)
    {
        var ids = new string?[TaskShards.Count];
        var found = 0;
        for (var i = 0; found < TaskShards.Count; i++)
        {
            var id = prefix + i;
            var shard = TaskShards.For(id);
            if (ids[shard] is not null) continue;
            ids[shard] = id;
            found++;
        }
        return ids!;
    }
}
