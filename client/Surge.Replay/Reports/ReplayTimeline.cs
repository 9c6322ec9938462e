namespace Surge.Replay.Reports;

/// <summary>
/// How many tasks of a replay waited and ran at each moment, rebuilt from their final statuses (the silo's clock):
/// waiting from submission to start (held events included), running from start to finish. A cache hit never started:
/// it waited until it was answered.
/// </summary>
public static class ReplayTimeline
{
    /// <summary>Step series of (seconds since the first submission, count), one point a change.</summary>
    public static (ChartPoint[] Queued, ChartPoint[] Running) Of(IEnumerable<ReplayResult> results)
    {
        var changes = new List<(DateTimeOffset At, int Queued, int Running)>();
        foreach (var final in results.Select(r => r.Final).OfType<TaskStatus>())
        {
            var end = final.FinishedAt ?? final.StartedAt;
            if (end is null) continue;
            var started = final.StartedAt is { } s && s >= final.SubmittedAt && s <= end ? s : end.Value;
            changes.Add((final.SubmittedAt, +1, 0));
            changes.Add((started, -1, 0));
            if (started < end) // a task that ran: running from its start to its finish
            {
                changes.Add((started, 0, +1));
                changes.Add((end.Value, 0, -1));
            }
        }
        if (changes.Count == 0) return ([], []);
        changes.Sort((a, b) => a.At.CompareTo(b.At));
        var origin = changes[0].At;
        var queued = new List<ChartPoint> { new(0, 0) };
        var running = new List<ChartPoint> { new(0, 0) };
        int q = 0, r = 0;
        for (var i = 0; i < changes.Count; i++)
        {
            q += changes[i].Queued;
            r += changes[i].Running;
            // One point a moment: changes at the same instant net out first, so no spike is drawn that never was.
            if (i + 1 < changes.Count && changes[i + 1].At == changes[i].At) continue;
            var t = (changes[i].At - origin).TotalSeconds;
            if (q != queued[^1].Y) queued.Add(new ChartPoint(t, q));
            if (r != running[^1].Y) running.Add(new ChartPoint(t, r));
        }
        return ([.. queued], [.. running]);
    }
}
