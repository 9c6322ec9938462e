using System.Collections.Immutable;
using Surge.Replay;
using Surge.Replay.Reports;
using TaskStatus = Surge.TaskStatus;

namespace Surge.Tests.Reports;

/// <summary>The replay page's own pieces: the queue and concurrency timeline, the misrouted tasks.</summary>
public class ReplayHtmlTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Timeline_TwoOverlappingTasks_QueuedAndRunningCountsStepAsTheyMove()
    {
        // a: submitted 0 s, starts 1 s, ends 3 s; b: submitted 0.5 s, starts 2 s, ends 4 s
        ReplayResult[] results = [Result("a", 0, 1, 3, 10), Result("b", 0.5, 2, 4, 10)];

        var (queued, running) = ReplayTimeline.Of(results);

        Assert.Equal([new(0, 0), new(0, 1), new(0.5, 2), new(1, 1), new(2, 0)], queued);
        Assert.Equal([new(0, 0), new(1, 1), new(2, 2), new(3, 1), new(4, 0)], running);
    }

    [Fact]
    public void Timeline_StartAndFinishAtTheSameInstant_NetsOut()
    {
        // b starts the instant a finishes: running stays at 1, never a dip to 0 drawn
        ReplayResult[] results = [Result("a", 0, 0, 2, 10), Result("b", 0, 2, 3, 10)];

        var (_, running) = ReplayTimeline.Of(results);

        Assert.Equal([new(0, 1), new(3, 0)], running[1..]);
    }

    [Fact]
    public void Misrouted_ShortTaskInLongAndLongInShort_BothListedSingleNot()
    {
        ReplayResult[] results =
        [
            Result("ok-short", 0, 0, 1, 10, PoolKind.Short), Result("short-as-long", 0, 0, 1, 10, PoolKind.Long),
            Result("long-as-short", 0, 0, 1, 500, PoolKind.Short), Result("single", 0, 0, 1, 500, PoolKind.Single),
        ];

        Assert.Equal(["short-as-long", "long-as-short"], ReplayHtml.Misrouted(results).Select(r => r.Task.Id));
    }

    [Fact]
    public void Build_OneRun_PageHasCdfPerPoolTimelinesAndTheMisroutedTable()
    {
        ReplayResult[] results = [Result("a", 0, 0.1, 0.2, 10, PoolKind.Short), Result("b", 0, 0.1, 1, 500, PoolKind.Short), Result("c", 0, 0.5, 2, 700, PoolKind.Long)];
        var report = ReplayReport.Build("w.jsonl", "predicted", results);

        var html = ReplayHtml.Build("t", [new ReplayRunResults("predicted", report, results)]).Render();

        Assert.Contains("""data-series="short pool" data-points="2" """, html);
        Assert.Contains("""data-series="long pool" data-points="1" """, html);
        Assert.Contains("""data-kind="queue" """, html);
        Assert.Contains("""data-kind="concurrency" """, html);
        Assert.Contains("<td>b</td>", html);
        Assert.DoesNotContain("<td>a</td>", html);
    }

    [Fact]
    public void Build_TwoRuns_ACdfChartAPoolWithALineARun()
    {
        ReplayResult[] a = [Result("a1", 0, 0.1, 0.2, 10, PoolKind.Short), Result("a2", 0, 0.5, 2, 700, PoolKind.Long)];
        ReplayResult[] b = [Result("b1", 0, 0.1, 0.3, 10, PoolKind.Short), Result("b2", 0, 0.5, 3, 700, PoolKind.Long)];
        ReplayRunResults Run(string label, ReplayResult[] results) => new(label, ReplayReport.Build("w.jsonl", label, results) with { Mode = label }, results);

        var html = ReplayHtml.Build("t", [Run("single", a), Run("oracle", b)]).Render();

        Assert.Contains("Sojourn CDF, short pool, per run", html);
        Assert.Contains("Sojourn CDF, long pool, per run", html);
        Assert.Equal(2, html.Split("""data-kind="cdf" """).Length - 1);
        Assert.Contains("""data-series="oracle" data-points="1" """, html);
        Assert.DoesNotContain("<th>mode</th>", html); // each label is its mode
    }

    private static ReplayResult Result(string id, double submittedS, double startedS, double finishedS, double trueMs, PoolKind pool = PoolKind.Long)
    {
        var task = new WorkloadTask(0, id, 0, "t", null, null, null, null, ImmutableDictionary<string, FeatureValue>.Empty, trueMs, 0);
        var final = new TaskStatus
        {
            Id = id, Type = "t", State = TaskState.Succeeded, Pool = pool, PredictedMs = 20,
            SubmittedAt = T0.AddSeconds(submittedS), StartedAt = T0.AddSeconds(startedS), FinishedAt = T0.AddSeconds(finishedS),
        };
        return new ReplayResult(task, final, null, (finishedS - submittedS) * 1000, finishedS * 1000);
    }
}
