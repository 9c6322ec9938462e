using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Surge.Cluster.Tests.Processes;

/// <summary>The status page's lists and actions over HTTP: who may act, and the cross-site guard.</summary>
[Collection("silo-process")]
public class StatusPageHttpTests(SiloProcessFixture silo)
{
    [Fact]
    public async Task Action_WithoutTheConfirmHeader_RefusedAsCrossSite()
    {
        using var http = silo.Http();
        using var response = await http.PostAsync("/surge/actions/tasks/nothing/cancel", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Action_FromAnotherOrigin_Refused()
    {
        using var http = silo.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/surge/actions/tasks/nothing/cancel");
        request.Headers.Add("X-Surge-Action", "confirm");
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ListsAndActions_SubmitRoleToken_ForbiddenButTheStatusPageServed()
    {
        using var http = silo.Http(signedIn: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SiloProcessFixture.ViewerToken);
        http.DefaultRequestHeaders.Add("X-Surge-Action", "confirm");
        using (var status = await http.GetAsync("/surge")) Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using (var list = await http.GetAsync("/surge/api/lists/dead-letters")) Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        using (var cancel = await http.PostAsync("/surge/actions/tasks/nothing/cancel", null)) Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
    }

    // A blank id, key or name (%20) is refused naming it, as the task API refuses one, not answered with a 500.
    [Theory]
    [InlineData("GET", "/surge/api/tasks/%20", "id")]
    [InlineData("GET", "/surge/api/entities/%20", "key")]
    [InlineData("POST", "/surge/actions/tasks/%20/cancel", "id")]
    [InlineData("POST", "/surge/actions/dead-letters/%20/retry", "id")]
    [InlineData("POST", "/surge/actions/dead-letters/%20/purge", "id")]
    [InlineData("POST", "/surge/actions/schedules/%20/trigger", "name")]
    [InlineData("POST", "/surge/actions/schedules/%20/pause", "name")]
    [InlineData("POST", "/surge/actions/schedules/%20/resume", "name")]
    public async Task OperatorReadOrAction_BlankTarget_400NamingIt(string method, string path, string field)
    {
        using var http = silo.Http();
        http.DefaultRequestHeaders.Add("X-Surge-Action", "confirm");
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("must not be empty", errors.GetProperty(field)[0].GetString());
    }

    [Theory]
    [InlineData("many")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public async Task List_LimitNotAWholeNumber_400NamingLimit(string limit)
    {
        using var http = silo.Http();
        using var response = await http.GetAsync($"/surge/api/lists/dead-letters?limit={limit}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains($"'{limit}'", errors.GetProperty("limit")[0].GetString());
    }

    [Fact]
    public async Task DeadLettersList_ByType_PagedWithTheCursorAndCancelOfAnUnknownTaskIs404()
    {
        var type = "simulate";
        using var http = silo.Http();
        var ids = Enumerable.Range(0, 3).Select(_ => $"list-dead-{Guid.NewGuid():N}").ToList();
        foreach (var id in ids)
        {
            using var accepted = await http.PostAsJsonAsync("/api/tasks", new { id, type, payload = new { duration_ms = "never" } });
            Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        }
        foreach (var id in ids)
            Assert.Equal("failed", (await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/wait?timeout=30")).GetProperty("state").GetString()?.ToLowerInvariant());
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/surge/api/lists/dead-letters?type={type}&limit=1{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}");
            var rows = page.GetProperty("rows").EnumerateArray().ToArray();
            Assert.True(rows.Length <= 1);
            seen.AddRange(rows.Select(r => r.GetProperty("id").GetString()!));
            after = page.GetProperty("next").GetString();
        }
        while (after is not null && seen.Count < 1_000);
        Assert.All(ids, id => Assert.Contains(id, seen));
        Assert.Equal(seen.Count, seen.Distinct().Count());

        http.DefaultRequestHeaders.Add("X-Surge-Action", "confirm");
        using var cancel = await http.PostAsync($"/surge/actions/tasks/unknown-{Guid.NewGuid():N}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
    }

    [Fact]
    public async Task Entity_SearchedByKey_ItsEventsInOrderAndWhatItsBookHolds()
    {
        var entity = $"order/{Guid.NewGuid():N}";
        using var http = silo.Http();
        // The second event is submitted first: it waits in the book for its predecessor, which is still running.
        foreach (var (id, ev, after, ms) in new[] { ("shipped", "order.shipped", "order.paid", 5), ("paid", "order.paid", (string?)null, 60_000) })
        {
            using var accepted = await http.PostAsJsonAsync("/api/tasks", new
            {
                id = $"{entity}-{id}", type = "simulate", payload = new { duration_ms = ms }, entity, @event = ev, after,
            });
            Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        }
        var found = await http.GetFromJsonAsync<JsonElement>($"/surge/api/entities/{Uri.EscapeDataString(entity)}");
        Assert.Equal(2, found.GetProperty("tasks").GetArrayLength());
        var book = found.GetProperty("book");
        Assert.Equal($"{entity}-paid", book.GetProperty("running").GetString());
        Assert.Equal($"{entity}-shipped", Assert.Single(book.GetProperty("waiting").EnumerateArray()).GetString());

        http.DefaultRequestHeaders.Add("X-Surge-Action", "confirm");
        using var cancel = await http.PostAsync($"/surge/actions/tasks/{Uri.EscapeDataString($"{entity}-paid")}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }
}
