using System.Globalization;

namespace Surge.Replay.Reports;

/// <summary>One replay to draw: its label (a routing mode, a split), its report and every task's result.</summary>
public sealed record ReplayRunResults(string Label, ReplayReport Report, IReadOnlyList<ReplayResult> Results);

/// <summary>
/// The replay report as a page (<c>surge replay --html</c>, <c>bench mixed --html</c>): the summary of each run,
/// sojourn CDFs per pool and run, queue length and concurrency over time, and the misrouted tasks.
/// </summary>
public static class ReplayHtml
{
    /// <summary>Points a series keeps: enough for a smooth line at the chart's width, bounded for a million tasks.</summary>
    public const int MaxPoints = 600;

    /// <summary>Misrouted tasks the table lists, the longest sojourns first.</summary>
    public const int MaxMisrouted = 50;

    public static HtmlReport Build(string title, IReadOnlyList<ReplayRunResults> runs)
    {
        var page = new HtmlReport(title);
        page.Paragraph($"Workload {string.Join(", ", runs.Select(r => r.Report.Workload).Distinct())}; " +
            $"a task is short when its true duration is under {WorkloadTask.ShortMs:0} ms. Sojourn: from its scheduled submission to its final state.");
        // The mode column only where a label does not already say it (the benchmarks label each run by its mode).
        var modes = runs.Any(r => r.Label != r.Report.Mode);
        page.Heading("Summary").Table("summary",
            ["run", .. modes ? ["mode"] : Array.Empty<string>(), "tasks", "completed", "failed", "rejected", "makespan s", "tasks/s",
                "short p50 ms", "short p95 ms", "short p99 ms", "long p50 ms", "long p95 ms", "long p99 ms", "routing accuracy"],
            runs.Select(r => (IReadOnlyList<string>)[r.Label, .. modes ? [r.Report.Mode] : Array.Empty<string>(), N(r.Report.Tasks), N(r.Report.Completed),
                N(r.Report.Failed), N(r.Report.Rejected), F(r.Report.MakespanS), F(r.Report.ThroughputPerS), F(r.Report.Short.P50Ms), F(r.Report.Short.P95Ms),
                F(r.Report.Short.P99Ms), F(r.Report.Long.P50Ms), F(r.Report.Long.P95Ms), F(r.Report.Long.P99Ms), F(r.Report.Routing.Accuracy)]));

        page.Heading("Sojourn by pool");
        foreach (var chart in SojournCdfs(runs)) page.Add(chart);

        var timelines = runs.Select(run => (run, Timeline: ReplayTimeline.Of(run.Results))).ToList();
        page.Heading("Over time")
            .Add(new Chart("Tasks waiting (queued or held)", "seconds since the first submission", "tasks",
                [.. timelines.Select((t, i) => new ChartSeries(t.run.Label, Downsample.MinMax(t.Timeline.Queued, MaxPoints), SeriesShape.Step, i))], Kind: "queue"))
            .Add(new Chart("Tasks running (concurrency)", "seconds since the first submission", "tasks",
                [.. timelines.Select((t, i) => new ChartSeries(t.run.Label, Downsample.MinMax(t.Timeline.Running, MaxPoints), SeriesShape.Step, i))], Kind: "concurrency"));

        var misrouted = runs.SelectMany(run => Misrouted(run.Results).Select(r => (run, r))).ToList();
        var routed = runs.Sum(run => run.Results.Count(r => r.Final?.Pool is PoolKind.Short or PoolKind.Long));
        page.Heading("Misrouted tasks").Paragraph(misrouted.Count == 0
            ? $"None of the {routed} tasks routed to short or long was in the wrong pool."
            : $"{misrouted.Count} of {routed} tasks routed to short or long ran in the pool their true duration did not belong to; " +
              $"the {Math.Min(MaxMisrouted, misrouted.Count)} with the longest sojourn:");
        page.Table("misrouted", ["run", "task", "type", "routed to", "belongs in", "predicted ms", "true ms", "sojourn ms"],
            misrouted.OrderByDescending(m => m.r.SojournMs).Take(MaxMisrouted).Select(m => (IReadOnlyList<string>)[
                m.run.Label, m.r.Task.Id, m.r.Task.Type, m.r.Final!.Pool!.Value.Name(), m.r.Task.IsShort ? "short" : "long",
                F(m.r.Final.PredictedMs), F(m.r.Task.DurationMs), F(m.r.SojournMs)]));
        return page;
    }

    /// <summary>
    /// One run: one chart, a line a pool, so its pools compare at a glance. Several: a chart a pool, a line a run, so the
    /// runs compare pool by pool (twenty lines on one chart would not read).
    /// </summary>
    private static IEnumerable<Chart> SojournCdfs(IReadOnlyList<ReplayRunResults> runs)
    {
        var byPool = runs.SelectMany((run, index) => run.Results.Where(r => r.Final is not null).GroupBy(r => r.Final!.Pool)
            .Select(g => (Run: run.Label, Index: index, Order: (int?)g.Key ?? int.MaxValue, Pool: (g.Key?.Name() ?? "unrouted") + " pool",
                Cdf: Cdf.Of(g.Select(r => r.SojournMs), MaxPoints))))
            .OrderBy(p => p.Order).ToList();
        const string X = "sojourn (ms, log scale)", Y = "share of tasks ≤ x";
        if (runs.Count == 1)
        {
            yield return new Chart("Sojourn CDF, per pool the task ran in", X, Y, [.. byPool.Select(p => new ChartSeries(p.Pool, p.Cdf))],
                Kind: "cdf", LogX: true, YMax: 1);
            yield break;
        }
        foreach (var pool in byPool.GroupBy(p => p.Pool))
            yield return new Chart($"Sojourn CDF, {pool.Key}, per run", X, Y, [.. pool.Select(p => new ChartSeries(p.Run, p.Cdf, Colour: p.Index))],
                Kind: "cdf", LogX: true, YMax: 1);
    }

    /// <summary>Tasks routed to short or long whose true duration belonged in the other (as <see cref="RoutingSummary"/> counts them).</summary>
    public static IEnumerable<ReplayResult> Misrouted(IEnumerable<ReplayResult> results)
        => results.Where(r => r.Final?.Pool is PoolKind.Short or PoolKind.Long && r.Task.IsShort != (r.Final.Pool == PoolKind.Short));

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "–";
}
