using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The operator's pages in a real headless Chromium (Debian's package, which test.sh installs), driven by Playwright:
/// live data must appear, and each page is saved as a screenshot under artifacts/screenshots.
/// </summary>
[Collection("silo-process")]
[Trait("Category", "Browser")]
public class BrowserTests(SiloProcessFixture silo, ITestOutputHelper output)
{
    private static readonly string Screenshots = Path.Combine(Repo.Root, "artifacts", "screenshots");

    [Fact]
    public async Task SurgePage_AfterTasksRan_ShowsPoolsAndACountAboveZero()
    {
        await RunATaskAsync();
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        await page.Locator("#pools tbody tr").First.WaitForAsync(new() { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => Number(document.getElementById('completed').textContent) > 0", null, new() { Timeout = 15_000 });
        var pools = await page.Locator("#pools").InnerTextAsync();
        Assert.Contains("short", pools);
        Assert.Contains("long", pools);
        await SaveAsync(page, "surge.png");
    }

    [Fact]
    public async Task Dashboard_Opened_ShowsLiveSiloData()
    {
        await RunATaskAsync();
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/dashboard/");

        // The dashboard renders from its own API after load: live counters, and one of Surge's grains among the
        // busiest methods (which one varies with what ran last).
        try
        {
            await page.WaitForFunctionAsync("""
                () => /TOTAL ACTIVATIONS\s+[1-9]/i.test(document.body.innerText)
                   && /(TaskShardGrain|AutoscaleGrain|WorkerSiloGrain|EntityGrain)/.test(document.body.innerText)
                """, null, new() { Timeout = 30_000 });
            Assert.Contains("ACTIVE SILOS", (await page.InnerTextAsync("body")).ToUpperInvariant());
        }
        finally
        {
            await SaveAsync(page, "dashboard.png"); // also when it failed: the picture says why
        }
    }

    private async Task RunATaskAsync()
    {
        using var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--wait");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
    }

    private async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    private static async Task<IBrowser> LaunchAsync()
    {
        var chromium = new[] { "chromium", "chromium-browser" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("chromium is not installed; ./test.sh installs it (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }
}
