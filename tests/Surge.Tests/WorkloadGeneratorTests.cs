using System.Security.Cryptography;
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

    private static byte[] Written(WorkloadOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gen-{Guid.NewGuid():N}.jsonl");
        try
        {
            WorkloadGenerator.Write(options, path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Golden files the reference generator wrote (python3 gen.py KIND ARGS --out FILE, arguments in the file name).
    public static TheoryData<string, WorkloadOptions> GoldenFiles => new()
    {
        { "history-n40-seed2-world7-shift0.3.jsonl", new(WorkloadKind.History, N: 40, Seed: 2, World: 7, Shift: 0.3) },
        { "mixed-n40-seed3-world2-shift0.2-slots16-util0.8.jsonl", new(WorkloadKind.Mixed, N: 40, Seed: 3, World: 2, Shift: 0.2, Slots: 16, Utilization: 0.8) },
        { "ordered-n20-seed2-gap40.jsonl", new(WorkloadKind.Ordered, N: 20, Seed: 2, GapMs: 40) },
        // Slow enough that its 40 arrivals span the quiet start, the tenfold burst from 10 s to 30 s and the quiet end.
        { "burst-n40-seed2-world7-shift0.3-slots1-util0.05.jsonl", new(WorkloadKind.Burst, N: 40, Seed: 2, World: 7, Shift: 0.3, Slots: 1, Utilization: 0.05) },
    };

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Write_ReferenceArguments_ReferenceFileByteForByte(string golden, WorkloadOptions options)
    {
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Generation", golden));
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(Written(options)));
    }

    // SHA-256 of what the reference generator writes for large runs (sha256sum of gen.py's file): the whole stream,
    // tens of thousands of draws deep, and the burst docs/autoscaler.md measures (40000 tasks, 64 slots, 0.9).
    [Theory]
    [InlineData("e3ce9edcf526318d64860c747fbbee67cfdedb1450b987d72c5bea739303afb8", WorkloadKind.Burst, 40_000, 1, 1, 0.0, 64, 0.9, 4.0)]
    [InlineData("d3017a42b92a3c13c9d0473b80c4597d27c3231117faf54be1f491806e12cdd8", WorkloadKind.Mixed, 20_000, 3, 7, 0.3, 8, 0.7, 4.0)]
    [InlineData("9760118e3857cf09968f924bac302672cee18512937df8bc9ef0dd21edb9d24f", WorkloadKind.History, 20_000, 2, 2, 0.2, 8, 0.7, 4.0)]
    [InlineData("ac9ef5693895ff512c3d42a347aacdfba161f3e1f5ac4eb9ecb306292d5b5628", WorkloadKind.Ordered, 20_000, 3, 1, 0.0, 8, 0.7, 0.5)]
    public void Write_LargeReferenceRun_SameSha256(string sha256, WorkloadKind kind, int n, int seed, int world, double shift, int slots, double utilization, double gapMs)
    {
        var bytes = Written(new WorkloadOptions(kind, n, seed, world, shift, slots, utilization, gapMs));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
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
    public void ShortBurst_BurstsWorkAsBurstDoes_ButItsSurplusIsShortTasksOnly()
    {
        var tasks = WorkloadGenerator.Generate(new WorkloadOptions(WorkloadKind.ShortBurst, N: 60_000, Slots: 16));
        IEnumerable<GeneratedTask> In(long from, long to) => tasks.Where(t => t.AtMs >= from && t.AtMs < to);
        double Work(long from, long to) => In(from, to).Sum(t => t.DurationMs) / (to - from);
        double LongWork(long from, long to) => In(from, to).Where(t => t.DurationMs >= WorkloadTask.ShortMs).Sum(t => t.DurationMs) / (to - from);
        Assert.True(tasks[^1].AtMs > 40_000, "the workload goes past the burst");
        Assert.InRange(Work(10_000, 30_000) / Work(0, 10_000), 6, 15);               // burst's tenfold work
        Assert.InRange(LongWork(10_000, 30_000) / LongWork(30_000, 40_000), 0.3, 3); // long work steady through it
        Assert.True(tasks.Zip(tasks.Skip(1)).All(p => p.First.AtMs <= p.Second.AtMs), "arrivals in order");
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
