using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The HTML reports (<c>surge replay --html</c>, <c>surge simulate-autoscale --html</c>, <c>bench mixed --html</c>) opened from disk in Debian's
/// headless Chromium with the network off: they stand alone, and their charts draw points. Each is saved as a
/// screenshot under artifacts/screenshots. Small workloads: a few seconds each.
/// </summary>
[Collection("silo-process")]
[Trait("Category", "Browser")]
public class ReportBrowserTests(SiloProcessFixture silo, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("surge-reports-").FullName;

    [Fact]
    public async Task ReplayReport_ReplayAgainstASilo_OpensAndItsCdfsDrawPoints()
    {
        var workload = Path.Combine(_dir, "mixed.jsonl");
        var html = Path.Combine(_dir, "replay.html");
        await CliAsync("workload", "generate", "mixed", "--n", "150", "--out", workload);
        using (var replay = await silo.SurgeAsync(TimeSpan.FromSeconds(120), "replay", workload, "--out", Path.Combine(_dir, "r.json"), "--html", html))
            Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr);

        var page = await OpenOfflineAsync(html);
        // Every CDF series is a path through more than one point: the routing put tasks in both pools.
        var cdfs = await page.EvalOnSelectorAllAsync<int[]>("svg[data-kind=cdf] path.series", "ps => ps.map(p => (p.getAttribute('d').match(/[ML]/g) || []).length)");
        Assert.True(cdfs.Length >= 2, $"a CDF a pool, got {cdfs.Length}");
        Assert.All(cdfs, points => Assert.True(points >= 2, $"a CDF of {points} point(s)"));
        Assert.True(await DrawnAsync(page, "concurrency") >= 2);
        Assert.Contains("150", await page.Locator("#summary").InnerTextAsync());
        await SaveAsync(page, "report-replay.png");
    }

    [Fact]
    public async Task SimulateAutoscaleReport_BurstWorkload_OpensWithATimelinePerPolicy()
    {
        var workload = Path.Combine(_dir, "burst.jsonl");
        var html = Path.Combine(_dir, "autoscale.html");
        await CliAsync("workload", "generate", "burst", "--n", "600", "--out", workload);
        await CliAsync("simulate-autoscale", workload, "--quiet", "--pod-start-delay", "5", "--html", html);

        var page = await OpenOfflineAsync(html);
        foreach (var kind in (string[])["backlog", "slots", "pods-requested", "pods-ready"])
            Assert.Equal(4, await page.Locator($"svg[data-kind={kind}] path.series").CountAsync()); // surge, static-max, queue-proportional, oracle
        Assert.True(await DrawnAsync(page, "slots") >= 2);
        await SaveAsync(page, "report-simulate-autoscale.png");
    }

    [Fact]
    public async Task BenchMixedReport_TwoRoutingModes_OpensWithACdfLineARun()
    {
        var history = Path.Combine(_dir, "history.jsonl");
        var html = Path.Combine(_dir, "bench.html");
        await CliAsync("workload", "generate", "history", "--n", "2000", "--out", history);
        using (var bench = await ChildProcess.RunDotnetAsync(Repo.BenchDll, TimeSpan.FromSeconds(180),
            "mixed", "--n", "80", "--runs", "single,oracle", "--history", history, "--html", html))
            Assert.True(bench.ExitCode == 0, $"bench mixed: {bench.ExitCode}\n{bench.Stdout}{bench.Stderr}");

        var page = await OpenOfflineAsync(html);
        var lines = await page.EvalOnSelectorAllAsync<int[]>("svg[data-kind=cdf] path.series", "ps => ps.map(p => (p.getAttribute('d').match(/[ML]/g) || []).length)");
        Assert.True(lines.Length >= 2, $"a CDF line a run, got {lines.Length}");
        Assert.Contains(lines, points => points >= 2);
        await SaveAsync(page, "report-bench-mixed.png");
    }

    // Points drawn by the chart's first series.
    private static Task<int> DrawnAsync(IPage page, string kind)
        => page.EvalOnSelectorAsync<int>($"svg[data-kind={kind}] path.series", "p => (p.getAttribute('d').match(/[MLHV]/g) || []).length");

    private async Task CliAsync(params string[] args)
    {
        using var cli = await ChildProcess.RunDotnetAsync(Repo.CliDll, TimeSpan.FromSeconds(60), args);
        Assert.True(cli.ExitCode == 0, $"surge {string.Join(' ', args)}: {cli.ExitCode}\n{cli.Stdout}{cli.Stderr}");
    }

    // Offline: a report that fetched anything (a CDN script, a font) would fail here rather than on a plane.
    private async Task<IPage> OpenOfflineAsync(string path)
    {
        _browser ??= await Chromium.LaunchAsync();
        var context = await _browser.NewContextAsync(new() { Offline = true });
        var requests = new List<string>();
        context.Request += (_, r) => { if (!r.Url.StartsWith("file://", StringComparison.Ordinal)) requests.Add(r.Url); };
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        Assert.Empty(requests);
        return page;
    }

    private IBrowser? _browser;

    private Task SaveAsync(IPage page, string name) => Chromium.SaveAsync(page, name, output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
