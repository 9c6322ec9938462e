using Surge.Cli;
using Surge.Replay;
using Surge.Replay.Generation;

namespace Surge.Tests;

public class WorkloadGeneratorTests
{
    private static IReadOnlyList<WorkloadTask> ReadBack(WorkloadOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gen-{Guid.NewGuid():N}.jsonl");
        try
        {
            WorkloadGenerator.Write(options, path);
            return WorkloadReader.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Generate_SameOptions_SameWorkload()
    {
        var a = WorkloadGenerator.Generate(new WorkloadOptions(WorkloadKind.Mixed, N: 500));
        var b = WorkloadGenerator.Generate(new WorkloadOptions(WorkloadKind.Mixed, N: 500));
        Assert.Equal(a.Select(t => (t.Id, t.AtMs, t.DurationMs)), b.Select(t => (t.Id, t.AtMs, t.DurationMs)));
        Assert.NotEqual(a.Select(t => t.DurationMs), WorkloadGenerator.Generate(new WorkloadOptions(WorkloadKind.Mixed, N: 500, World: 2)).Select(t => t.DurationMs));
    }

    [Fact]
    public void Mixed_ReadBack_ShortAndLongTasksWithFeaturesAtTheSizedRate()
    {
        var tasks = ReadBack(new WorkloadOptions(WorkloadKind.Mixed, N: 3000));
        Assert.Equal(3000, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(["customer", "hour", "rows_yesterday", "source"], t.Features.Keys.Order()));
        Assert.InRange(tasks.Count(t => t.IsShort) / 3000.0, 0.6, 0.95); // reports and notifies are short; data tasks vary
        Assert.Contains(tasks, t => t.DurationMs > 1_000);
        Assert.All(tasks, t => Assert.InRange(t.DurationMs, 2, 6_000));
        // Arrivals keep 70% of 8 slots busy: offered work over the span is about 5.6 slots.
        var busy = tasks.Sum(t => t.DurationMs) / tasks.Max(t => t.AtMs);
        Assert.InRange(busy, 3.5, 8.5);
    }

    [Fact]
    public void Ordered_ReadBack_EachBuildStartedThenFinishedAfterIt_DeliveredInTimeOrder()
    {
        var events = ReadBack(new WorkloadOptions(WorkloadKind.Ordered, N: 400, GapMs: 40));
        Assert.Equal(800, events.Count);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.AtMs <= p.Second.AtMs));
        foreach (var build in events.GroupBy(e => e.Entity))
        {
            var started = Assert.Single(build, e => e.Event == "build.started");
            var finished = Assert.Single(build, e => e.Event == "build.finished");
            Assert.Equal("build.started", finished.After);
            Assert.True(finished.AtMs >= started.AtMs);
        }
        var firstFinished = events.ToList().FindIndex(e => e.Event == "build.finished");
        Assert.Contains(events.Skip(firstFinished), e => e.Event == "build.started"); // ends interleave with starts
    }

    [Fact]
    public void Burst_ArrivalsTenTimesFasterFrom10To30Seconds()
    {
        var tasks = WorkloadGenerator.Generate(new WorkloadOptions(WorkloadKind.Burst, N: 6000));
        double Rate(long from, long to) => tasks.Count(t => t.AtMs >= from && t.AtMs < to) / ((to - from) / 1000.0);
        Assert.InRange(Rate(10_000, 30_000) / Rate(0, 10_000), 6, 15);
    }

    [Fact]
    public async Task Cli_WorkloadGenerate_WritesAReadableFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.jsonl");
        try
        {
            var stdout = new StringWriter();
            Assert.Equal(0, await SurgeCli.RunAsync(["workload", "generate", "history", "--n", "200", "--world", "7", "--shift", "0.3", "--out", path], stdout, TextWriter.Null));
            Assert.Equal(200, WorkloadReader.Read(path).Count);
            var stderr = new StringWriter();
            Assert.Equal(2, await SurgeCli.RunAsync(["workload", "generate", "storm", "--out", path], TextWriter.Null, stderr));
            Assert.Contains("history, mixed, ordered, burst", stderr.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
