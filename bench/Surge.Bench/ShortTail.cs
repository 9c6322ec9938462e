using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// Where the slowest 1% of short tasks spent their time, from their records: reaching a pool (submission to queued),
/// waiting in it (queued to started), running, and the rest (the outcome's report, the client's wait and clock skew),
/// as means over those tasks; and how many of them ran in the long pool. Says which part of the runtime sets a line's
/// short p99. <see cref="LateMs"/>, over every short task: how much longer than its workload duration its run took
/// (the <c>simulate</c> handler's timer firing late, and the hand-off to a thread), which a tight reserve feels
/// more than a roomy one (<c>mixed --sweep --simulate --overhead-ms</c>).
/// </summary>
internal sealed record ShortTail(int Tasks, int RanLong, double SojournMs, double ToPoolMs, double InQueueMs, double RunMs, double RestMs, double LateMs)
{
    public static ShortTail? Of(IReadOnlyList<ReplayResult> results)
    {
        var ran = results.Where(r => r.Task.IsShort && r.Final is { StartedAt: not null, FinishedAt: not null, QueuedAt: not null })
            .OrderByDescending(r => r.SojournMs).ToList();
        var slow = ran.Take(Math.Max(1, ran.Count / 100)).ToList();
        if (slow.Count == 0) return null;
        double Mean(Func<ReplayResult, double> ms) => Math.Round(slow.Average(ms), 1);
        static double Between(DateTimeOffset from, DateTimeOffset? to) => (to!.Value - from).TotalMilliseconds;
        return new ShortTail(slow.Count, slow.Count(r => r.Final!.Pool == PoolKind.Long),
            Mean(r => r.SojournMs),
            Mean(r => Between(r.Final!.SubmittedAt, r.Final.QueuedAt)),
            Mean(r => Between(r.Final!.QueuedAt!.Value, r.Final.StartedAt)),
            Mean(r => Between(r.Final!.StartedAt!.Value, r.Final.FinishedAt)),
            Mean(r => r.SojournMs - Between(r.Final!.SubmittedAt, r.Final.FinishedAt)),
            Math.Round(ran.Average(r => Between(r.Final!.StartedAt!.Value, r.Final.FinishedAt) - r.Task.DurationMs), 2));
    }
}
