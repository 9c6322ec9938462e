using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Client;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The HTTP task API with roles (<c>Surge:Http:Auth:Roles</c>): a submit-role token reads the tasks it submitted
/// itself; reading anyone else's needs the operate role, as at the gateway.
/// </summary>
[Collection("silo-process")]
public class TaskApiRoleTests(SiloProcessFixture silo)
{
    private static object Quick(string id) => new { id, type = "simulate", payload = new { duration_ms = 1 } };

    [Fact]
    public async Task GetTask_AnotherCallersTaskWithSubmitRole_403NamingOperate()
    {
        var id = $"http-role-{Guid.NewGuid():N}";
        using var operatorHttp = silo.Http();
        using (var accepted = await operatorHttp.PostAsJsonAsync("/api/tasks", Quick(id))) Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        using var viewer = Viewer();
        foreach (var path in (string[])[$"/api/tasks/{id}", $"/api/tasks/{id}/wait?timeout=1"])
        {
            using var refused = await viewer.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("Operate", await refused.Content.ReadAsStringAsync());
        }
        // Submitting the same id again would answer with the operator's task: refused too.
        using var again = await viewer.PostAsJsonAsync("/api/tasks", Quick(id));
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        using var unchanged = await operatorHttp.GetAsync($"/api/tasks/{id}");
        Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
    }

    [Fact]
    public async Task GetTask_OwnTaskWithSubmitRole_ServedAndTheOperatorSeesWhoSubmittedIt()
    {
        var id = $"http-own-{Guid.NewGuid():N}";
        using var viewer = Viewer();
        using (var accepted = await viewer.PostAsJsonAsync("/api/tasks", Quick(id))) Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var own = await viewer.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/wait?timeout=30");
        Assert.Equal("Succeeded", own.GetProperty("state").GetString());
        using var operatorHttp = silo.Http();
        var seen = await operatorHttp.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
        Assert.Equal("http:token:viewer", seen.GetProperty("submitter").GetString());
    }

    // The status page's read lists other callers' dead letters (ids, errors) and held events, which the gateway and the
    // page's own lists keep for the Operate role: a submit-role token sees silos, pools and counts only.
    [Fact]
    public async Task ApiStatus_SubmitRole_SilosAndPoolsButNoOtherCallersTasks()
    {
        using var host = await silo.ClientAsync();
        var failed = await host.Services.GetRequiredService<ISurgeClient>().RunAsync(TaskSpec.Create("simulate", """{"duration_ms":"never"}"""));
        Assert.True(failed.DeadLettered);
        using var operatorHttp = silo.Http();
        var seen = await operatorHttp.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Contains(seen.GetProperty("dead_letters").EnumerateArray(), d => d.GetProperty("id").GetString() == failed.Id);

        using var viewer = Viewer();
        var status = await viewer.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.NotEqual(0, status.GetProperty("silos").GetArrayLength());
        Assert.NotEqual(0, status.GetProperty("pools").GetArrayLength());
        foreach (var list in (string[])["dead_letters", "held", "waves", "autoscale"]) Assert.Equal(0, status.GetProperty(list).GetArrayLength());
        Assert.True(status.GetProperty("dead_letter_count").GetInt32() >= 1);
        await host.StopAsync();
    }

    private HttpClient Viewer()
    {
        var http = silo.Http(signedIn: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SiloProcessFixture.ViewerToken);
        return http;
    }
}
