using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The status page as an operator uses it, in headless Chromium against the shared silo process: search, a task's
/// page, Retry and Cancel through the page's confirm step, and the charts.
/// </summary>
[Collection("silo-process")]
[Trait("Category", "Browser")]
public class StatusPageBrowserTests(SiloProcessFixture silo, ITestOutputHelper output)
{
    private const int Timeout = 20_000;

    [Fact]
    public async Task Search_TaskId_OpensItsPageWithItsAttempt()
    {
        var id = $"page-find-{Guid.NewGuid():N}";
        using (var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--id", id, "--wait"))
            Assert.True(cli.ExitCode == 0, cli.Stderr);
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Text);
        await page.FillAsync("#search", id);
        await page.PressAsync("#search", "Enter");
        try
        {
            await page.WaitForURLAsync($"**/surge/tasks/{id}", new() { Timeout = Timeout });
        }
        catch (TimeoutException)
        {
            await Chromium.SaveAsync(page, "surge-search-failed.png", output);
            throw new Xunit.Sdk.XunitException($"the search did not open the task's page: {await page.InnerTextAsync("#search-result")}; console: {string.Join(" | ", console)}");
        }
        await page.Locator("#title", new() { HasText = "succeeded" }).WaitForAsync(new() { Timeout = Timeout });
        Assert.Contains(id, await page.InnerTextAsync("#title"));
        Assert.Contains("succeeded", await page.InnerTextAsync("#attempts tbody"));
        await Chromium.SaveAsync(page, "surge-task.png", output);
    }

    [Fact]
    public async Task Retry_DeadLetter_RunsAgainAndThePageShowsTheNewAttempt()
    {
        var id = $"page-retry-{Guid.NewGuid():N}";
        using (var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":\"never\"}", "--id", id, "--wait"))
            Assert.True(cli.ExitCode == 1, $"a task that failed for good exits 1: {cli.ExitCode}\n{cli.Stdout}{cli.Stderr}");
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");
        await page.Locator("#list tbody tr", new() { HasText = id }).WaitForAsync(new() { Timeout = Timeout }); // the dead letters list
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge/tasks/{id}");
        await page.Locator("#attempts tbody tr").First.WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal(1, await page.Locator("#attempts tbody tr").CountAsync());

        await page.ClickAsync("button.retry");
        await page.ClickAsync("#confirm-yes");
        // Its bad payload fails again: a second attempt, dead-lettered again.
        await page.Locator("#attempts tbody tr").Nth(1).WaitForAsync(new() { Timeout = Timeout });
        Assert.Contains("2", await page.Locator("#attempts tbody tr").Nth(1).Locator("td").First.InnerTextAsync());
        Assert.Equal(2, (await StatusAsync(id)).GetProperty("attempts").GetInt32());
        await Chromium.SaveAsync(page, "surge-task-retried.png", output);
    }

    [Fact]
    public async Task Cancel_RunningTask_ItStopsAsCancelled()
    {
        var id = $"page-cancel-{Guid.NewGuid():N}";
        using (var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":120000}", "--id", id))
            Assert.True(cli.ExitCode == 0, cli.Stderr);
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge/tasks/{id}");
        await page.Locator("#title", new() { HasText = "running" }).WaitForAsync(new() { Timeout = Timeout });

        await page.ClickAsync("button.cancel");
        await page.ClickAsync("#confirm-yes");
        await page.Locator("#title", new() { HasText = "cancelled" }).WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal("Cancelled", (await StatusAsync(id)).GetProperty("state").GetString(), ignoreCase: true);
        await Chromium.SaveAsync(page, "surge-task-cancelled.png", output);
    }

    [Fact]
    public async Task Charts_AfterTasksRan_DrawPoints()
    {
        using (var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--wait"))
            Assert.True(cli.ExitCode == 0, cli.Stderr);
        await using var browser = await Chromium.LaunchAsync();
        var page = await Chromium.SignedInPageAsync(browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        // A sample every 5 s: the page draws them as they come.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#chart-throughput circle.point').length > 0", null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#chart-concurrency circle.point').length > 0", null, new() { Timeout = Timeout });
        await Chromium.SaveAsync(page, "surge-charts.png", output);
    }

    private async Task<JsonElement> StatusAsync(string id)
    {
        using var http = silo.Http();
        return await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
    }
}
