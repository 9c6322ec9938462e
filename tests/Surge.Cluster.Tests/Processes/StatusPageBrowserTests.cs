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
public class StatusPageBrowserTests(SiloProcessFixture silo, ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private const int Timeout = 20_000;

    [Fact]
    public async Task Search_TaskId_OpensItsPageWithItsAttempt()
    {
        var id = $"page-find-{Guid.NewGuid():N}";
        Assert.Equal("succeeded", await SubmitAsync(id, 5, wait: true));
        var page = await Chromium.SignedInPageAsync(chromium.Browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Text);
        await page.FillAsync("#search", id);
        await page.PressAsync("#search", "Enter");
        try
        {
            // The task page's own title, not a navigation event: waiting for the URL to commit (or for "load") missed
            // navigations that were over before the wait began, twice on a loaded machine with the page already drawn.
            await page.Locator("#title", new() { HasText = id }).Filter(new() { HasText = "succeeded" }).WaitForAsync(new() { Timeout = Timeout });
        }
        catch (TimeoutException)
        {
            await Chromium.SaveAsync(page, "surge-search-failed.png", output);
            var shown = await page.Locator("#search-result").CountAsync() > 0 ? await page.InnerTextAsync("#search-result") : $"(no search result; at {page.Url})";
            throw new Xunit.Sdk.XunitException($"the search did not open the task's page: {shown}; console: {string.Join(" | ", console)}");
        }
        Assert.EndsWith($"/surge/tasks/{id}", new Uri(page.Url).AbsolutePath);
        Assert.Contains("succeeded", await page.InnerTextAsync("#attempts tbody"));
        await Chromium.SaveAsync(page, "surge-task.png", output);
    }

    [Fact]
    public async Task Retry_DeadLetter_RunsAgainAndThePageShowsTheNewAttempt()
    {
        var id = $"page-retry-{Guid.NewGuid():N}";
        Assert.Equal("failed", await SubmitAsync(id, "never", wait: true));
        var page = await Chromium.SignedInPageAsync(chromium.Browser);
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
        await SubmitAsync(id, 120_000, wait: false);
        var page = await Chromium.SignedInPageAsync(chromium.Browser);
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
        Assert.Equal("succeeded", await SubmitAsync($"page-charts-{Guid.NewGuid():N}", 5, wait: true));
        var page = await Chromium.SignedInPageAsync(chromium.Browser);
        await page.GotoAsync($"http://127.0.0.1:{silo.HttpPort}/surge");

        // A sample every 5 s: the page draws them as they come.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#chart-throughput circle.point').length > 0", null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#chart-concurrency circle.point').length > 0", null, new() { Timeout = Timeout });
        await Chromium.SaveAsync(page, "surge-charts.png", output);
    }

    // Over the HTTP task API: no CLI process to start, which would cost seconds per test.
    private async Task<string?> SubmitAsync(string id, object durationMs, bool wait)
    {
        using var http = silo.Http();
        using var accepted = await http.PostAsJsonAsync("/api/tasks", new { id, type = "simulate", payload = new { duration_ms = durationMs } });
        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        if (!wait) return null;
        var status = await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/wait?timeout=30");
        return status.GetProperty("state").GetString()?.ToLowerInvariant();
    }

    private async Task<JsonElement> StatusAsync(string id)
    {
        using var http = silo.Http();
        return await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
    }
}
