using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The operator's pages in a real headless Chromium (Debian's package, which test.sh installs), driven by Playwright:
/// live data must appear, and each page is saved as a screenshot under artifacts/screenshots. The silo asks for HTTP
/// credentials; the browser answers the basic challenge as a person would at its sign-in prompt, and then sends them
/// with the pages' own fetches.
/// </summary>
[Collection("silo-process")]
[Trait("Category", "Browser")]
public class BrowserTests(SiloProcessFixture silo, ITestOutputHelper output)
{
    [Fact]
    public async Task SurgePage_AfterTasksRan_ShowsPoolsAndACountAboveZero()
    {
        await RunATaskAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        await page.Locator("#pools tbody tr").First.WaitForAsync(new() { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => Number(document.getElementById('completed').textContent) > 0", null, new() { Timeout = 15_000 });
        var pools = await page.Locator("#pools").InnerTextAsync();
        Assert.Contains("short", pools);
        Assert.Contains("long", pools);
        await Chromium.SaveAsync(page, "surge.png", output);
    }

    [Fact]
    public async Task SurgePage_TaskFailedForGood_ItsDeadLetterShownAndCounted()
    {
        var id = $"browser-dead-{Guid.NewGuid():N}";
        using var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":\"never\"}", "--id", id, "--wait");
        Assert.True(cli.ExitCode == 1, $"a task that failed for good exits 1: {cli.ExitCode}\n{cli.Stdout}{cli.Stderr}");
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        await page.Locator("#dead tbody tr", new() { HasText = id }).WaitForAsync(new() { Timeout = 15_000 });
        Assert.True(int.Parse(await page.Locator("#dead-count").InnerTextAsync()) >= 1);
        await Chromium.SaveAsync(page, "surge-dead-letters.png", output);
    }

    // Headless Chromium has no prompt to show: with no credentials at all it gives the navigation up
    // (ERR_INVALID_AUTH_CREDENTIALS), so the refusal a person would see is shown with a wrong password.
    [Fact]
    public async Task SurgePage_WrongPassword_RefusedWithTheSignInChallenge()
    {
        await using var browser = await Chromium.LaunchAsync();
        var context = await browser.NewContextAsync(new() { HttpCredentials = new() { Username = SiloProcessFixture.User, Password = "wrong-password-typed" } });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");
        Assert.Equal(401, response!.Status);
        Assert.StartsWith("Basic realm=\"Surge\"", await response.HeaderValueAsync("www-authenticate") ?? "");
        Assert.Contains("Sign in", await page.InnerTextAsync("body"));
        Assert.Equal(0, await page.Locator("#pools").CountAsync());
    }

    [Fact]
    public async Task Dashboard_Opened_ShowsLiveSiloData()
    {
        await RunATaskAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
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
            await Chromium.SaveAsync(page, "dashboard.png", output); // also when it failed: the picture says why
        }
    }

    private async Task RunATaskAsync()
    {
        using var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--wait");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
    }
}
