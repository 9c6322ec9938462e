namespace Surge.Cluster.Tests.Helm;

/// <summary>The chart's PrometheusRule: off unless asked for, its bounds from the values, and lint-clean.</summary>
public class PrometheusRuleTests
{
    /// <summary>The rule's alerts by name: their PromQL expressions.</summary>
    internal static async Task<Dictionary<string, string>> AlertsAsync(string? valuesFile = null, params string[] sets)
    {
        var chart = await Helm.TemplateAsync(valuesFile, ["prometheusRule.enabled=true", .. sets]);
        var rules = chart.Single("PrometheusRule")["spec"]!["groups"]![0]!["rules"]!.AsArray();
        return rules.ToDictionary(r => (string)r!["alert"]!, r => (string)r!["expr"]!);
    }

    [Fact]
    public async Task PrometheusRule_Default_NotRendered()
        => Assert.Empty((await Helm.TemplateAsync()).OfKind("PrometheusRule"));

    [Fact]
    public async Task PrometheusRule_Enabled_FourAlertsWithTheBoundsOfTheValues()
    {
        // A values file: --set reads 0.9 as a string, which the schema refuses.
        using var values = ValuesFile("""
            autoscale: { maxReplicas: 7 }
            prometheusRule:
              oldestWaitSeconds: 120
              deadLetters: { window: 30m, above: 3 }
              backlogAtMaxReplicas: 500
              routingAccuracy: { below: 0.9 }
            """);
        var alerts = await AlertsAsync(values.Path);

        Assert.Equal(["SurgeDeadLettersRising", "SurgeOldestWaitHigh", "SurgeReplicasAtMaxWithBacklog", "SurgeRoutingAccuracyLow"], alerts.Keys.Order());
        Assert.Equal("sum(increase(surge_task_dead_letters_total[30m])) > 3", alerts["SurgeDeadLettersRising"]);
        Assert.EndsWith("> 120", alerts["SurgeOldestWaitHigh"]);
        Assert.Equal("max(surge_autoscale_replicas_desired) >= 7 and on() sum(surge_pool_queued) > 500", alerts["SurgeReplicasAtMaxWithBacklog"]);
        Assert.EndsWith("< 0.9", alerts["SurgeRoutingAccuracyLow"]);
    }

    [Fact]
    public async Task PrometheusRule_AutoscaleOff_NoReplicasAlert()
        => Assert.DoesNotContain("SurgeReplicasAtMaxWithBacklog", (await AlertsAsync(null, "autoscale.enabled=false")).Keys);

    [Fact]
    public async Task PrometheusRule_LabelsAndSeverity_FromTheValues()
    {
        var chart = await Helm.TemplateAsync(null, "prometheusRule.enabled=true", "prometheusRule.labels.release=prometheus", "prometheusRule.severity=page");
        var rule = chart.Single("PrometheusRule");
        Assert.Equal("prometheus", (string?)rule["metadata"]!["labels"]!["release"]);
        Assert.All(rule["spec"]!["groups"]![0]!["rules"]!.AsArray(), r => Assert.Equal("page", (string?)r!["labels"]!["severity"]));
    }

    [Fact]
    public async Task PrometheusRule_Enabled_LintsStrict()
    {
        var (exitCode, stdout, stderr) = await Helm.LintAsync(null, "prometheusRule.enabled=true", "metrics.serviceMonitor.enabled=true");
        Assert.True(exitCode == 0, stdout + stderr);
    }

    [Fact]
    public async Task PrometheusRule_BoundOutOfRange_RefusedByTheSchema()
    {
        using var values = ValuesFile("prometheusRule: { enabled: true, routingAccuracy: { below: 1.5 } }");
        var (exitCode, stdout, stderr) = await Helm.LintAsync(values.Path);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("/prometheusRule/routingAccuracy/below", stdout + stderr);
        Assert.DoesNotContain("got string", stdout + stderr);
    }

    private static TempFile ValuesFile(string yaml)
    {
        var file = new TempFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"surge-values-{Guid.NewGuid():N}.yaml"));
        File.WriteAllText(file.Path, yaml);
        return file;
    }

    private sealed record TempFile(string Path) : IDisposable
    {
        public void Dispose() => File.Delete(Path);
    }
}
