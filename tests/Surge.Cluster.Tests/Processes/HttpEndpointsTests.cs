using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;

namespace Surge.Cluster.Tests.Processes;

/// <summary>The silo's HTTP surface, on a real silo process: probes, metrics, status API and pages.</summary>
[Collection("silo-process")]
public partial class HttpEndpointsTests(SiloProcessFixture silo)
{
    private readonly HttpClient _http = silo.Http();

    [Fact]
    public async Task Health_RunningSilo_Ok()
        => Assert.Equal("ok", await _http.GetStringAsync("/health"));

    [Fact]
    public async Task Ready_ActiveSilo_Ok()
    {
        using var response = await _http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ApiStatus_RunningSilo_ListsItsPoolsAndRoutingMode()
    {
        using var status = JsonDocument.Parse(await _http.GetStringAsync("/api/status"));
        var pools = status.RootElement.GetProperty("pools").EnumerateArray().Select(p => p.GetProperty("pool").GetString()).ToList();
        Assert.Contains("short", pools);
        Assert.Contains("long", pools);
        var silo0 = status.RootElement.GetProperty("silos")[0];
        Assert.Equal("predicted", silo0.GetProperty("routing_mode").GetString());
        Assert.True(silo0.TryGetProperty("routing_accuracy", out _), "the live routing accuracy is part of each silo's status");
    }

    [Fact]
    public async Task Metrics_AfterTasksRun_SurgeSeriesPresentAndMoving()
    {
        var before = FinishedTotal(await _http.GetStringAsync("/metrics"));
        using var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--wait");
        Assert.True(cli.ExitCode == 0, cli.Stderr);

        await Eventually.ValueAsync(async () => FinishedTotal(await _http.GetStringAsync("/metrics")), after => after > before,
            $"surge_tasks_finished_total to grow from {before}", TimeSpan.FromSeconds(5));
        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("surge_pool_limit", metrics);
        Assert.Contains("surge_task_run_duration_seconds_bucket", metrics);
        Assert.Contains("surge_task_wait_duration_seconds_bucket", metrics);
        Assert.Contains("surge_task_sojourn_duration_seconds_bucket", metrics);
        Assert.Contains("surge_routing_outcomes_total", metrics);
        Assert.Contains("surge_autoscale_replicas_actual", metrics); // one silo: the autoscale grain lives here
        // Per silo group (one group here, "default"): the desired replicas KEDA can scale on, and the memory recommendation.
        Assert.Matches(@"(?m)^surge_autoscale_replicas_desired\{[^}]*group=""default""", metrics);
        Assert.Matches(@"(?m)^surge_autoscale_memory_recommended_bytes\{[^}]*group=""default""[^}]*kind=""request""", metrics);
        using var recommend = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "autoscale", "recommend", "--output", "json");
        Assert.True(recommend.ExitCode == 0, recommend.Stderr);
        using var recommendations = JsonDocument.Parse(recommend.Stdout);
        var group = Assert.Single(recommendations.RootElement.EnumerateArray());
        Assert.Equal("default", group.GetProperty("group").GetString());
        Assert.True(group.GetProperty("requestMb").GetInt64() >= 64 && group.GetProperty("limitMb").GetInt64() > group.GetProperty("requestMb").GetInt64(), recommend.Stdout);
    }

    [Theory]
    [InlineData("POST", "/api/task", 404, "nothing is served at POST /api/task. The task API is /api/tasks")]
    [InlineData("GET", "/nowhere", 404, "nothing is served at GET /nowhere")]
    [InlineData("PUT", "/api/tasks", 405, "/api/tasks does not take PUT; it takes POST")]
    [InlineData("DELETE", "/api/status", 405, "/api/status does not take DELETE; it takes GET")]
    public async Task AnyPath_NoEndpointOrWrongMethod_ProblemSaysWhatToSend(string method, string path, int status, string detail)
    {
        // Before: the bare status, with an empty body.
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TaskStatus_UnknownId_KeepsItsOwnAnswer()
    {
        using var response = await _http.GetAsync("/api/tasks/never-submitted-here");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.DoesNotContain("nothing is served at", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pages_SurgeAndDashboard_Served()
    {
        Assert.Contains("<h2>Pools</h2>", await _http.GetStringAsync("/surge"));
        using var dashboard = await _http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", (await dashboard.Content.ReadAsStringAsync()).ToLowerInvariant());
    }

    [Fact]
    public async Task ApiStatus_EventWaitingForItsPredecessor_ListedAsHeld()
    {
        using var host = await silo.ClientAsync();
        var entity = $"build/held-{Guid.NewGuid():N}";
        var finished = TaskSpec.Create("simulate").ForEntity(entity, "build.finished", after: "build.started");
        await host.Services.GetRequiredService<ISurgeClient>().SubmitAsync(finished);

        using var status = JsonDocument.Parse(await _http.GetStringAsync("/api/status"));
        var held = status.RootElement.GetProperty("held").EnumerateArray().Single(h => h.GetProperty("id").GetString() == finished.Id);
        Assert.Equal(entity, held.GetProperty("entity").GetString());
        Assert.Equal("build.finished", held.GetProperty("event").GetString());
        await host.StopAsync();
    }

    [Fact]
    public async Task ApiStatus_TaskThatFailedForGood_ListedAsDeadLetter()
    {
        using var host = await silo.ClientAsync();
        var failed = await host.Services.GetRequiredService<ISurgeClient>().RunAsync(TaskSpec.Create("simulate", """{"duration_ms":"soon"}"""));
        Assert.True(failed.DeadLettered);

        using var status = JsonDocument.Parse(await _http.GetStringAsync("/api/status"));
        var dead = status.RootElement.GetProperty("dead_letters").EnumerateArray().Single(d => d.GetProperty("id").GetString() == failed.Id);
        Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
        Assert.Contains("ArgumentException", dead.GetProperty("error").GetString());
        await host.StopAsync();
    }

    // Both tables of the page from one read: the silos' summaries, which the task shards keep as their records change.
    [Fact]
    public async Task ApiStatus_HeldEventAndDeadLetter_BothListedAndCounted()
    {
        using var host = await silo.ClientAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        var entity = $"build/summary-{Guid.NewGuid():N}";
        var held = TaskSpec.Create("simulate").ForEntity(entity, "build.finished", after: "build.started");
        await surge.SubmitAsync(held);
        var failed = await surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":"later"}"""));
        Assert.True(failed.DeadLettered);

        using var status = JsonDocument.Parse(await _http.GetStringAsync("/api/status"));
        var root = status.RootElement;
        Assert.Contains(root.GetProperty("held").EnumerateArray(), h => h.GetProperty("id").GetString() == held.Id);
        Assert.Contains(root.GetProperty("dead_letters").EnumerateArray(), d => d.GetProperty("id").GetString() == failed.Id);
        Assert.True(root.GetProperty("held_count").GetInt32() >= 1);
        Assert.True(root.GetProperty("dead_letter_count").GetInt32() >= 1);
        Assert.True(root.GetProperty("held_count").GetInt32() >= root.GetProperty("held").GetArrayLength());
        await host.StopAsync();
    }

    [Fact]
    public async Task GrafanaDashboard_EverySeriesItQueries_IsServed()
    {
        for (var i = 0; i < 7; i++) // one kind, again and again: the baseline predicts once it has seen five
        {
            using var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--feature", "kind=grafana", "--wait");
            Assert.True(cli.ExitCode == 0, cli.Stderr);
        }
        // The cache-hit panel's series: a lookup of a deterministic type.
        using (var cached = await silo.SurgeAsync(TimeSpan.FromSeconds(60), "submit", "--type", SiloProcessFixture.CachedType, "--payload", "{\"panel\":\"grafana\"}", "--wait"))
            Assert.True(cached.ExitCode == 0, cached.Stderr);
        var dashboard = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "helm", "surge", "dashboards", "surge-dashboard.json"));
        var queried = SeriesName().Matches(dashboard).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")).Distinct().ToList();
        Assert.NotEmpty(queried);
        var metrics = await _http.GetStringAsync("/metrics");
        Assert.All(queried, name => Assert.Contains(name, metrics));
    }

    [GeneratedRegex(@"surge_[a-z_]+")]
    private static partial Regex SeriesName();

    private static double FinishedTotal(string metrics)
        => FinishedLine().Matches(metrics).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^surge_tasks_finished_total\{[^}]*\} (\S+)", RegexOptions.Multiline)]
    private static partial Regex FinishedLine();
}
