using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// Where the slowest 1% of short tasks spent their time, from their records: reaching a pool (submission to queued),
/// waiting in it (queued to started), running, and the rest (the outcome's report, the client's wait and clock skew),
/// as means over those tasks; and how many of them ran in the long pool. Says which part of the runtime sets a line's
/// short p99.
/// </summary>
internal sealed record ShortTail(int Tasks, int RanLong, double SojournMs, double ToPoolMs, double InQueueMs, double RunMs, double RestMs)
{
    public static ShortTail? Of(IReadOnlyList<ReplayResult> results)
    {
        var slow = results.Where(r => r.Task.IsShort && r.Final is { StartedAt: not null, FinishedAt: not null, QueuedAt: not null })
            .OrderByDescending(r => r.SojournMs).ToList();
        slow = slow.Take(Math.Max(1, slow.Count / 100)).ToList();
        if (slow.Count == 0) return null;
        double Mean(Func<ReplayResult, double> ms) => Math.Round(slow.Average(ms), 1);
        static double Between(DateTimeOffset from, DateTimeOffset? to) => (to!.Value - from).TotalMilliseconds;
        return new ShortTail(slow.Count, slow.Count(r => r.Final!.Pool == PoolKind.Long),
            Mean(r => r.SojournMs),
            Mean(r => Between(r.Final!.SubmittedAt, r.Final.QueuedAt)),
            Mean(r => Between(r.Final!.QueuedAt!.Value, r.Final.StartedAt)),
            Mean(r => Between(r.Final!.StartedAt!.Value, r.Final.FinishedAt)),
            Mean(r => r.SojournMs - Between(r.Final!.SubmittedAt, r.Final.FinishedAt)));
    }
}
