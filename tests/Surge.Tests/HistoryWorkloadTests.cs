using Surge.Cli;
using Surge.Replay;
using Surge.Replay.Generation;

namespace Surge.Tests;

/// <summary><c>surge workload from-history</c>: a recorded history becomes a workload replay reads.</summary>
public class HistoryWorkloadTests
{
    private static HistoryConversion Convert(string history, FromHistoryOptions? options = null)
        => HistoryWorkload.Convert(new StringReader(history), "h.jsonl", options ?? new FromHistoryOptions());

    // Written before, with the last arrival at 2^63 ms, and then refused by replay.
    [Fact]
    public void Convert_SubmitTimesSpanningCenturies_RefusedNamingTheBoundAndTheFix()
    {
        var e = Assert.Throws<WorkloadException>(() => Convert("""
            {"submitted_at":"0001-01-01T00:00:00Z","type":"report","duration_ms":3}
            {"submitted_at":"9999-12-31T00:00:00Z","type":"report","duration_ms":3}
            """));
        Assert.Contains("arrival 2", e.Message);
        Assert.Contains("--speed", e.Message);
    }

    [Fact]
    public void Write_OverItsOwnHistory_Refused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"surge-history-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, "{\"type\":\"report\",\"duration_ms\":3}\n");
        try
        {
            Assert.Throws<WorkloadException>(() => HistoryWorkload.Write(path, path, new FromHistoryOptions()));
            Assert.Equal("{\"type\":\"report\",\"duration_ms\":3}\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Convert_SubmitTimes_SortedFromZeroGapsKept()
    {
        var result = Convert("""
            {"at_ms":5000,"type":"report","features":{"rows":1200,"source":"adwords"},"duration_ms":12.5,"memory_mb":30}
            {"at_ms":1000,"type":"notify","duration_ms":3}
            {"at_ms":1250,"type":"export","duration_ms":900,"memory_mb":200}
            """);
        Assert.True(result.KeptSubmitTimes);
        Assert.Equal([0L, 250, 4000], result.Tasks.Select(t => t.AtMs));
        Assert.Equal(["notify", "export", "report"], result.Tasks.Select(t => t.Type));
        Assert.Equal(["h-000000", "h-000001", "h-000002"], result.Tasks.Select(t => t.Id));
        Assert.Equal(1200L, result.Tasks[2].Features["rows"]);
        Assert.Equal("adwords", result.Tasks[2].Features["source"]);
        Assert.Equal((12.5, 30.0), (result.Tasks[2].DurationMs, result.Tasks[2].MemoryMb));
    }

    [Fact]
    public void Convert_Speed_DividesTheGaps()
        => Assert.Equal([0L, 500, 1000], Convert("""
            {"at_ms":0,"type":"a","duration_ms":1}
            {"at_ms":1000,"type":"a","duration_ms":1}
            {"at_ms":2000,"type":"a","duration_ms":1}
            """, new FromHistoryOptions(Speed: 2)).Tasks.Select(t => t.AtMs));

    [Fact]
    public void Convert_SubmittedAtInstants_GapsKept()
        => Assert.Equal([0L, 1500], Convert("""
            {"submitted_at":"2025-01-31T12:00:00Z","type":"a","duration_ms":1}
            {"submitted_at":"2025-01-31T13:00:01.500+01:00","type":"a","duration_ms":1}
            """).Tasks.Select(t => t.AtMs));

    [Fact]
    public void Convert_NoSubmitTimes_BackToBackInFileOrder()
    {
        var result = Convert("""
            {"type":"a","duration_ms":100}
            {"type":"b","duration_ms":40}
            {"type":"c","duration_ms":7}
            """);
        Assert.False(result.KeptSubmitTimes);
        Assert.Equal([0L, 100, 140], result.Tasks.Select(t => t.AtMs));
        Assert.Equal(["a", "b", "c"], result.Tasks.Select(t => t.Type));
    }

    [Fact]
    public void Convert_Limit_TheFirstArrivals()
        => Assert.Equal(["x", "y"], Convert("""
            {"at_ms":30,"type":"z","duration_ms":1}
            {"at_ms":10,"type":"x","duration_ms":1}
            {"at_ms":20,"type":"y","duration_ms":1}
            """, new FromHistoryOptions(Limit: 2)).Tasks.Select(t => t.Type));

    [Theory]
    [InlineData("""{"duration_ms":1}""", "h.jsonl:2: field 'type'")]
    [InlineData("""{"type":"a"}""", "h.jsonl:2: field 'duration_ms' is missing")]
    [InlineData("""{"type":"a","duration_ms":"soon"}""", "h.jsonl:2: field 'duration_ms' must be a number")]
    [InlineData("""{"type":"a","duration_ms":-1}""", "h.jsonl:2: field 'duration_ms' must be a number ≥ 0")]
    [InlineData("""{"type":"a","duration_ms":1,"memory_mb":"big"}""", "h.jsonl:2: field 'memory_mb'")]
    [InlineData("""{"type":"a","duration_ms":1,"features":{"on":true}}""", "h.jsonl:2: feature 'on' in field 'features'")]
    [InlineData("""{"type":"a","duration_ms":1,"submitted_at":"yesterday"}""", "h.jsonl:2: field 'submitted_at' is 'yesterday'")]
    [InlineData("""{"type":"a","duration_ms":1}""", "h.jsonl:2: field 'at_ms' (or 'submitted_at') is missing, but line 1 has one")]
    [InlineData("""{"type":"a",""", "h.jsonl:2:")]
    [InlineData("""[1,2]""", "h.jsonl:2: expected a JSON object")]
    public void Convert_BadLine_NamesTheLineAndField(string line, string expected)
    {
        var error = Assert.Throws<WorkloadException>(() => Convert("{\"at_ms\":1,\"type\":\"a\",\"duration_ms\":1}\n" + line));
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void Convert_TimesOnlyAfterTheFirstLine_NamesTheLine()
        => Assert.StartsWith("h.jsonl:3: has a submit time, but line 1 has none",
            Assert.Throws<WorkloadException>(() => Convert("{\"type\":\"a\",\"duration_ms\":1}\n\n{\"at_ms\":5,\"type\":\"a\",\"duration_ms\":1}")).Message);

    [Fact]
    public void Convert_LineOverTheBound_RefusedNamingTheLine()
        => Assert.StartsWith($"h.jsonl:2: the line is over {WorkloadReader.MaxLineChars} characters",
            Assert.Throws<WorkloadException>(() => Convert("{\"type\":\"a\",\"duration_ms\":1}\n{\"type\":\"" + new string('a', 2_000_000) + "\",\"duration_ms\":1}")).Message);

    [Fact]
    public void Convert_Empty_SaysSo()
        => Assert.Contains("no rows", Assert.Throws<WorkloadException>(() => Convert("\n\n")).Message);

    [Fact]
    public async Task Cli_FromGeneratedHistory_ReplayReadsEveryTask()
    {
        var history = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.jsonl");
        var workload = Path.Combine(Path.GetTempPath(), $"workload-{Guid.NewGuid():N}.jsonl");
        try
        {
            WorkloadGenerator.Write(new WorkloadOptions(WorkloadKind.History, N: 300), history);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.True(await SurgeCli.RunAsync(["workload", "from-history", history, "--out", workload, "--speed", "10", "--limit", "250"], stdout, stderr) == 0, stderr.ToString());
            Assert.Contains("wrote 250 tasks", stdout.ToString());

            var recorded = WorkloadReader.Read(history); // sorted by at_ms, as the conversion sorts
            var replayable = WorkloadReader.Read(workload);
            Assert.Equal(250, replayable.Count);
            Assert.Equal(0, replayable[0].AtMs);
            for (var i = 0; i < replayable.Count; i++)
            {
                Assert.Equal((recorded[i].Type, recorded[i].DurationMs, recorded[i].MemoryMb), (replayable[i].Type, replayable[i].DurationMs, replayable[i].MemoryMb));
                Assert.Equal(recorded[i].Features, replayable[i].Features);
                Assert.InRange(replayable[i].AtMs - (recorded[i].AtMs - recorded[0].AtMs) / 10, -1, 1);
            }
        }
        finally
        {
            File.Delete(history);
            File.Delete(workload);
        }
    }
}
