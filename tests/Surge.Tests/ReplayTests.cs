using System.Collections.Immutable;
using System.Text.Json;
using Surge.Replay;

namespace Surge.Tests;

public class WorkloadReaderTests
{
    private static IReadOnlyList<WorkloadTask> Read(string text) => WorkloadReader.Read(new StringReader(text), "w.jsonl");

    [Fact]
    public void Read_GenPyLine_ParsesEveryField()
    {
        var task = Assert.Single(Read("""{"id":"t-1","at_ms":12,"type":"fetch","entity":"b/1","event":"e","after":null,"features":{"source":"adwords","rows_yesterday":4100},"duration_ms":61.5,"memory_mb":30.2}"""));
        Assert.Equal(("t-1", 12L, "fetch", "b/1", "e"), (task.Id, task.AtMs, task.Type, task.Entity, task.Event));
        Assert.Equal("adwords", task.Features["source"].Text);
        Assert.Equal(4100, task.Features["rows_yesterday"].Number);
        Assert.Equal((61.5, 30.2), (task.DurationMs, task.MemoryMb));
    }

    [Fact]
    public void Read_SortsByArrival()
        => Assert.Equal(["b", "a"], Read("{\"id\":\"a\",\"at_ms\":5,\"type\":\"x\",\"duration_ms\":1}\n{\"id\":\"b\",\"at_ms\":1,\"type\":\"x\",\"duration_ms\":1}").Select(t => t.Id));

    [Theory]
    [InlineData("{\"id\":\"a\",\"type\":\"x\"}", "duration_ms")]
    [InlineData("{\"id\":\"a\",\"type\":\"x\",\"duration_ms\":-1}", "duration_ms")]
    [InlineData("{\"type\":\"x\",\"duration_ms\":1}", "'id'")]
    [InlineData("{\"id\":\"a\",\"type\":\"x\",\"duration_ms\":1,\"features\":{\"f\":[1]}}", "feature 'f'")]
    [InlineData("not json", "w.jsonl:2")]
    [InlineData("{\"id\":\"a\",\"type\":\"x\",\"at_ms\":5000000000,\"duration_ms\":1}", "'at_ms'")] // past 30 days: a replay could not wait for it
    [InlineData("{\"id\":\"a\",\"type\":\"x\",\"at_ms\":-1,\"duration_ms\":1}", "'at_ms'")]
    [InlineData("{\"id\":\"a\",\"type\":\"x\",\"sequence\":1.5,\"duration_ms\":1}", "'sequence'")]
    public void Read_BadLine_NamesLineAndField(string badLine, string expected)
    {
        var e = Assert.Throws<WorkloadException>(() => Read("{\"id\":\"ok\",\"type\":\"x\",\"duration_ms\":1}\n" + badLine));
        Assert.Contains(expected, e.Message);
        Assert.Contains("w.jsonl:2", e.Message);
    }

    [Theory]
    [InlineData("{\"id\":\"b\",\"type\":\"x\",\"event\":\"e\",\"duration_ms\":1}", "event")] // no entity
    [InlineData("{\"id\":\"b\",\"type\":\"x\",\"entity\":\"e\",\"sequence\":0,\"duration_ms\":1}", "sequence")]
    [InlineData("{\"id\":\"schedule:b\",\"type\":\"x\",\"duration_ms\":1}", "id")]
    [InlineData("{\"id\":\"b\",\"type\":\"x\",\"features\":{\"$type\":\"y\"},\"duration_ms\":1}", "features.$type")]
    public void Replayable_LineTheValidatorRefuses_NamesLineAndField(string badLine, string field)
    {
        var tasks = Read("{\"id\":\"ok\",\"type\":\"x\",\"duration_ms\":1}\n" + badLine);
        var e = Assert.Throws<WorkloadException>(() => WorkloadReader.Replayable(tasks, "w.jsonl"));
        Assert.Contains($"w.jsonl:2: {field}:", e.Message);
    }

    // A line of 2 million characters (a feature holding data): read whole into memory, a 100 MB line took a gigabyte.
    [Fact]
    public void Read_LineOverTheBound_RefusedNamingLineAndBound()
    {
        var huge = "{\"id\":\"b\",\"type\":\"x\",\"duration_ms\":1,\"features\":{\"f\":\"" + new string('x', 2_000_000) + "\"}}";
        var e = Assert.Throws<WorkloadException>(() => Read("{\"id\":\"ok\",\"type\":\"x\",\"duration_ms\":1}\n" + huge));
        Assert.StartsWith("w.jsonl:2: the line is over 1048576 characters", e.Message);
    }

    [Fact]
    public void Read_CarriageReturnLineEnds_ReadAsLines()
        => Assert.Equal(["a", "b"], Read("{\"id\":\"a\",\"type\":\"x\",\"duration_ms\":1}\r\n{\"id\":\"b\",\"type\":\"x\",\"duration_ms\":1}\r\n").Select(t => t.Id));

    [Fact]
    public void Read_DuplicateId_Rejected()
        => Assert.Contains("twice", Assert.Throws<WorkloadException>(() => Read("{\"id\":\"a\",\"type\":\"x\",\"duration_ms\":1}\n{\"id\":\"a\",\"type\":\"x\",\"duration_ms\":1}")).Message);

    [Fact]
    public void ToSpec_TruthGoesToPayloadNeverFeatures()
    {
        var spec = Read("{\"id\":\"a\",\"type\":\"fetch\",\"duration_ms\":61.5,\"memory_mb\":3,\"features\":{\"source\":\"x\"}}")[0].ToSpec(allocate: false);
        Assert.Equal("simulate", spec.Type);
        Assert.Equal(["kind", "source"], spec.Features.Keys.Order());
        using var payload = JsonDocument.Parse(spec.Payload);
        Assert.Equal(61.5, payload.RootElement.GetProperty("duration_ms").GetDouble());
    }
}

public class ReplayReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ReplayResult Result(string id, double durationMs, PoolKind pool, double sojournMs, string? entity = null, string? ev = null,
        string? after = null, double startMs = 0, double finishMs = 1)
        => new(new WorkloadTask(1, id, 0, "x", entity, ev, after, null, ImmutableDictionary<string, FeatureValue>.Empty, durationMs, 0),
            new TaskStatus { Id = id, Type = "simulate", State = TaskState.Succeeded, Pool = pool, StartedAt = T0.AddMilliseconds(startMs), FinishedAt = T0.AddMilliseconds(finishMs) },
            null, sojournMs, sojournMs);

    [Fact]
    public void Build_SplitsShortAndLongByTrueDuration()
    {
        var report = ReplayReport.Build("w", "m", [Result("a", 10, PoolKind.Short, 12), Result("b", 10, PoolKind.Long, 30), Result("c", 500, PoolKind.Short, 900)]);
        Assert.Equal((2, 1), (report.Short.Count, report.Long.Count));
        Assert.Equal(30, report.Short.P99Ms);
        Assert.Equal((1, 1), (report.Routing.ShortAsLong, report.Routing.LongAsShort));
        Assert.Equal(0.3333, report.Routing.Accuracy);
    }

    [Fact]
    public void Build_SinglePool_CountsShortTasksAsRoutedLong()
        => Assert.Equal(1, ReplayReport.Build("w", "single", [Result("a", 10, PoolKind.Single, 1)]).Routing.ShortAsLong);

    [Fact]
    public void Build_EventStartedBeforePredecessorFinished_CountsViolation()
    {
        var report = ReplayReport.Build("w", "m",
        [
            Result("s", 5, PoolKind.Short, 1, "b/1", "started", startMs: 0, finishMs: 10),
            Result("f", 5, PoolKind.Short, 1, "b/1", "finished", after: "started", startMs: 9, finishMs: 12),
            Result("s2", 5, PoolKind.Short, 1, "b/2", "started", startMs: 0, finishMs: 10),
            Result("f2", 5, PoolKind.Short, 1, "b/2", "finished", after: "started", startMs: 10, finishMs: 12),
        ]);
        Assert.Equal(1, report.OrderingViolations);
    }

    [Fact]
    public void ToJson_HasEveryRequiredField()
    {
        using var json = JsonDocument.Parse(ReplayReport.Build("w", "m", [Result("a", 10, PoolKind.Short, 12)]).ToJson());
        string[] fields = ["workload", "mode", "tasks", "completed", "failed", "rejected", "makespan_s", "throughput_per_s", "short", "long", "ordering_violations", "routing"];
        Assert.All(fields, f => Assert.True(json.RootElement.TryGetProperty(f, out _), f));
        Assert.True(json.RootElement.GetProperty("short").TryGetProperty("p99_ms", out _));
        Assert.True(json.RootElement.GetProperty("routing").TryGetProperty("long_as_short", out _));
    }

    [Fact]
    public void LatencySummary_UnsortedWithNaN_NearestRankOfFiniteValuesToOneDecimal()
    {
        var summary = LatencySummary.Of([4.04, double.NaN, 1.26]);
        Assert.Equal(new LatencySummary(2, 1.3, 4.0, 4.0), summary);
    }

    [Fact]
    public void LatencySummary_None_IsZeros() => Assert.Equal(new LatencySummary(0, 0, 0, 0), LatencySummary.Of([]));
}
