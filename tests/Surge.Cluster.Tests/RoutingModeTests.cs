using Surge.Routing;

namespace Surge.Cluster.Tests;

public class RoutingModeTests
{
    private static Task<SurgeCluster> StartAsync(string mode, double shortThresholdMs = RoutingOptions.DefaultShortThresholdMs)
        => SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            ["Surge:Routing:Mode"] = mode,
            ["Surge:Routing:ShortThresholdMs"] = shortThresholdMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Surge:Routing:TypePools:report"] = "short",
            ["Surge:Routing:TypePools:fetch"] = "long",
        });

    private static async Task<string?> PoolOf(SurgeCluster surge, TaskSpec spec)
        => (await surge.Client.WaitAsync((await surge.Client.SubmitAsync(spec)).Id)).Pool?.Name();

    private static async Task<string> Routed(SurgeCluster surge, TaskSpec spec)
    {
        var status = await surge.Client.WaitAsync((await surge.Client.SubmitAsync(spec)).Id);
        return $"{status.Pool?.Name()} (predicted {status.PredictedMs?.ToString("0.#") ?? "nothing"}, ran {status.ActualMs:0.#} ms)";
    }

    [Fact]
    public async Task Route_Single_EverythingInOneFifoPool()
    {
        await using var surge = await StartAsync("single");
        Assert.Equal("single", await PoolOf(surge, Simulated.Task("s-1", 1, "report")));
        Assert.Equal("single", await PoolOf(surge, Simulated.Task("s-2", 80, "fetch")));
        Assert.All(await surge.Client.GetPoolsAsync(), p => Assert.Equal(PoolKind.Single, p.Pool));
    }

    [Fact]
    public async Task Route_Type_ByStaticTableAndDefaultLong()
    {
        await using var surge = await StartAsync("type");
        Assert.Equal("short", await PoolOf(surge, Simulated.Task("t-1", 80, "report"))); // the table, not the duration
        Assert.Equal("long", await PoolOf(surge, Simulated.Task("t-2", 1, "fetch")));
        Assert.Equal("long", await PoolOf(surge, Simulated.Task("t-3", 1, "unlisted")));
    }

    [Fact]
    public async Task Route_Oracle_ByTrueDuration()
    {
        await using var surge = await StartAsync("oracle");
        Assert.Equal("short", await PoolOf(surge, Simulated.Task("o-1", 1, "fetch")));
        Assert.Equal("long", await PoolOf(surge, Simulated.Task("o-2", 80, "report")));
    }

    // Oracle routing reads a simulate task's duration from its payload, which submission leaves unparsed when it is not
    // JSON with numbers (the task is to fail when it runs). One such task among others dispatched at once: its batch to
    // the classifier must still reach the pools, and in one process nothing would ever send a failed batch again.
    [Fact]
    public async Task Route_OracleTaskWhosePayloadItCannotRead_FailsWithTheParseErrorAndTheOthersRun()
    {
        await using var surge = await StartAsync("oracle");
        var bad = new TaskSpec("o-bad", "simulate", "{\"duration_ms\":\"soon\"}"u8.ToArray(), System.Collections.Immutable.ImmutableDictionary<string, FeatureValue>.Empty);
        var good = Enumerable.Range(0, 40).Select(i => Simulated.Task($"o-good-{i}", 1)).ToList();
        await Task.WhenAll(good.Prepend(bad).Select(spec => surge.Client.SubmitAsync(spec)));

        await Task.WhenAll(good.Prepend(bad).Select(async spec =>
        {
            try
            {
                await surge.Client.WaitAsync(spec.Id, TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                // Counted below.
            }
        }));
        var statuses = await Task.WhenAll(good.Prepend(bad).Select(async spec => (await surge.Client.GetStatusAsync(spec.Id))!));
        var failed = statuses[0];
        Assert.True(failed.State == TaskState.Failed, $"{failed.State}, and {statuses.Count(s => !s.IsFinal)} of {statuses.Length} tasks not final");
        Assert.Contains("simulate payload is not valid JSON", failed.Error);
        Assert.All(statuses.Skip(1), s => Assert.Equal(TaskState.Succeeded, s.State));
    }

    // The baseline learns what each kind took to run, and routes by a high quantile of it. Under the whole suite's load a
    // 1 ms task has taken over 50 ms (the default threshold) often enough to push that quantile over, so the two kinds
    // and the threshold stand far apart here: what is tested is the learning, not the machine's latency.
    [Fact]
    public async Task Route_Predicted_LongUntilLearnedThenByLearnedDuration()
    {
        const int QuickMs = 1, SlowMs = 600;
        await using var surge = await StartAsync("predicted", shortThresholdMs: 250);
        Assert.Equal("long", await PoolOf(surge, Simulated.Task("p-first", QuickMs, "quick"))); // unknown: plays safe

        // The baseline learns on each silo from what that silo runs (tasks run on their shard's silo, and shards
        // spread unevenly): send enough history that both silos see each kind several times.
        for (var batch = 0; batch < 5; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).SelectMany(i => new[]
            {
                PoolOf(surge, Simulated.Task($"p-q{batch}-{i}", QuickMs, "quick")),
                PoolOf(surge, Simulated.Task($"p-s{batch}-{i}", SlowMs, "slow")),
            }));
        }
        var after = await Task.WhenAll(Enumerable.Range(0, 8).SelectMany(i => new[]
        {
            Routed(surge, Simulated.Task($"p-q-after{i}", QuickMs, "quick")),
            Routed(surge, Simulated.Task($"p-s-after{i}", SlowMs, "slow")),
        }));
        Assert.All(after.Where((_, i) => i % 2 == 0), routed => Assert.StartsWith("short ", routed));
        Assert.All(after.Where((_, i) => i % 2 == 1), routed => Assert.StartsWith("long ", routed));
    }
}
