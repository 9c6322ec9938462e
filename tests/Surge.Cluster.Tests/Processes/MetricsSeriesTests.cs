using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Cluster.Tests.Helm;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// The series operators asked for, on a real silo process: result cache hits and misses, the model version on
/// prediction metrics and the active model, and every series the chart's PrometheusRule alerts on.
/// </summary>
[Collection("silo-process")]
public partial class MetricsSeriesTests(SiloProcessFixture silo)
{
    private readonly HttpClient _http = silo.Http();

    [Fact]
    public async Task Metrics_CachedTypeRunTwice_HitAndMissCountedAndTheHitRatioInStatus()
    {
        using var host = await silo.ClientAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        var payload = $$"""{"n":"{{Guid.NewGuid():N}}"}""";

        var first = await surge.RunAsync(TaskSpec.Create(SiloProcessFixture.CachedType, payload));
        var second = await surge.RunAsync(TaskSpec.Create(SiloProcessFixture.CachedType, payload));

        Assert.Equal(TaskState.Succeeded, first.State);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache, "the second run of the same payload is answered from the cache");
        // The exporter answers scrapes from a cache for a moment: wait for one made after these runs.
        await Eventually.TrueAsync(async () => await _http.GetStringAsync("/metrics") is var metrics && CacheCount(metrics, "hit") >= 1 && CacheCount(metrics, "miss") >= 1,
            "a cache hit and a miss counted on /metrics", TimeSpan.FromSeconds(10));
        using var status = JsonDocument.Parse(await _http.GetStringAsync("/api/status"));
        var ratio = status.RootElement.GetProperty("silos")[0].GetProperty("cache_hit_ratio");
        Assert.Equal(JsonValueKind.Number, ratio.ValueKind);
        Assert.InRange(ratio.GetDouble(), double.Epsilon, 1);
        await host.StopAsync();
    }

    [Fact]
    public async Task Metrics_PredictedTasksFinished_ModelVersionOnPredictionSeriesAndTheActiveModelServed()
    {
        using var host = await silo.ClientAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        for (var i = 0; i < 7; i++) // one type, one after another: the baseline predicts once it has seen five
            Assert.Equal(TaskState.Succeeded, (await surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":2}"""))).State);

        // The exporter answers scrapes from a cache for a moment: the previous test's scrape may still be served.
        var metrics = "";
        await Eventually.TrueAsync(async () => Labelled("surge_prediction_ratio_bucket").IsMatch(metrics = await _http.GetStringAsync("/metrics")),
            "surge_prediction_ratio with a model_version label on /metrics", TimeSpan.FromSeconds(10));
        Assert.Matches(ActiveModel(), metrics);
        Assert.Matches(Labelled("surge_routing_outcomes_total"), metrics);
        await host.StopAsync();
    }

    // Like the Grafana dashboard's test: an alert on a series nothing serves would never fire.
    [Fact]
    public async Task PrometheusRule_EverySeriesItQueries_IsServed()
    {
        using var host = await silo.ClientAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        Assert.True((await surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":"never"}"""))).DeadLettered);
        Assert.Equal(TaskState.Succeeded, (await surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":2}"""))).State);

        var alerts = await PrometheusRuleTests.AlertsAsync();
        var queried = alerts.Values.SelectMany(e => SeriesName().Matches(e)).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")).Distinct().ToList();
        Assert.Equal(4, alerts.Count);
        await Eventually.TrueAsync(async () => await _http.GetStringAsync("/metrics") is var metrics
            && queried.All(name => new Regex($"^{name}[{{ ]", RegexOptions.Multiline).IsMatch(metrics)),
            $"every series the alerts query on /metrics: {string.Join(", ", queried)}", TimeSpan.FromSeconds(10));
        await host.StopAsync();
    }

    private static double CacheCount(string metrics, string outcome)
        => CacheLine().Matches(metrics).Where(m => m.Groups["labels"].Value.Contains($"outcome=\"{outcome}\"") && m.Groups["labels"].Value.Contains($"type=\"{SiloProcessFixture.CachedType}\""))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static Regex Labelled(string series) => new($"^{series}\\{{[^}}]*model_version=\"[^\"]+\"", RegexOptions.Multiline);

    [GeneratedRegex(@"^surge_result_cache_requests_total\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex CacheLine();

    [GeneratedRegex(@"^surge_model_active\{[^}]*model_version=""[^""]+""[^}]*\} 1", RegexOptions.Multiline)]
    private static partial Regex ActiveModel();

    [GeneratedRegex(@"surge_[a-z_]+")]
    private static partial Regex SeriesName();
}
