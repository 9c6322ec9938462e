using System.Text.Json.Nodes;
using Surge.Hosting;

namespace Surge.Cluster.Tests.Helm;

/// <summary>The chart as rendered by the real helm: what Kubernetes would run matches what the silo serves and reads.</summary>
[Trait("Category", "Helm")]
public class ChartTests
{
    public static TheoryData<string?> ValuesFiles => new() { null, Helm.ProductionValues };

    /// <summary>The defaults and every values file in ci/.</summary>
    public static TheoryData<string?> LintedValuesFiles => new([null, .. Directory.GetFiles(Path.Combine(Helm.Chart, "ci"), "*.yaml").Order()]);

    [Theory, MemberData(nameof(LintedValuesFiles))]
    public async Task Lint_DefaultAndEveryCiValuesFile_Clean(string? values)
    {
        var (exitCode, stdout, stderr) = await Helm.LintAsync(values);
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("0 chart(s) failed", stdout);
        Assert.DoesNotContain("[WARNING]", stdout);
    }

    [Theory, MemberData(nameof(ValuesFiles))]
    public async Task Probes_UseTheSilosHttpPortAndPaths(string? values)
    {
        var chart = await Helm.TemplateAsync(values);
        var container = chart.SiloContainer;
        var http = SiloSettings.From(chart.SiloEnv).Ports.Http;
        Assert.Equal(http, chart.SiloPort("http"));
        foreach (var (probe, path) in new[] { ("readinessProbe", "/ready"), ("livenessProbe", "/health"), ("startupProbe", "/health") })
        {
            Assert.Equal(path, (string?)container[probe]!["httpGet"]!["path"]);
            Assert.Equal("http", (string?)container[probe]!["httpGet"]!["port"]);
        }
        var dashboard = chart.Named("Service", Manifests.Name(chart.Silos) + "-dashboard");
        Assert.Equal("http", (string?)dashboard["spec"]!["ports"]![0]!["targetPort"]);
    }

    [Theory, MemberData(nameof(ValuesFiles))]
    public async Task Env_OnlyNamesTheSiloReads(string? values)
    {
        var chart = await Helm.TemplateAsync(values);
        var settings = SiloSettings.From(chart.SiloEnv); // binds every Surge__ variable; an unknown key fails here
        Assert.All(chart.SiloEnv.Keys.Where(k => k.StartsWith("Surge__", StringComparison.Ordinal)),
            key => Assert.Contains(SiloSettings.Sections, s => key.Replace("__", ":").StartsWith(s + ":", StringComparison.Ordinal)));
        Assert.NotNull(settings.Ports);
        Assert.NotNull(settings.Cluster);
        Assert.NotNull(settings.Security); // the chart's client certificate and its role, as the silo validates them
        Assert.NotNull(settings.Tls);
        // The rest are read by name in the silo's sources (pod address, autoscaler target, Redis).
        var sources = string.Join('\n', new[] { "silo", "grains" }.SelectMany(dir => Directory.EnumerateFiles(Path.Combine(Processes.Repo.Root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).Select(File.ReadAllText));
        var others = chart.SiloEnv.Keys.Where(k => !k.StartsWith("Surge__", StringComparison.Ordinal)).ToList();
        Assert.Equal(["POD_IP", "POD_NAME", "POD_NAMESPACE", "SURGE_REDIS", "SURGE_STATEFULSET"], others.Order());
        Assert.All(others, name => Assert.Contains($"\"{name}\"", sources));
    }

    [Fact]
    public async Task Autoscale_ValuesBecomeTheSilosAutoscaleOptions()
    {
        var chart = await Helm.TemplateAsync(null, "autoscale.minReplicas=2", "autoscale.maxReplicas=7", "autoscale.sustainedBacklogSeconds=45",
            "autoscale.scaleUpStabilizationSeconds=30", "autoscale.scaleDownStabilizationSeconds=7265", "autoscale.cooldownSeconds=75");
        var options = SiloSettings.From(chart.SiloEnv).Autoscale;
        Assert.True(options.Enabled);
        Assert.Equal((2, 7), (options.MinReplicas, options.MaxReplicas));
        Assert.Equal(TimeSpan.FromSeconds(45), options.SustainedBacklog);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ScaleUpStabilization);
        Assert.Equal(TimeSpan.FromSeconds(7265), options.ScaleDownStabilization);
        Assert.Equal(TimeSpan.FromSeconds(75), options.Cooldown);
        // The autoscaler owns the replicas: none rendered, so an upgrade or a GitOps sync never resets them (PodPolicy
        // raises a fresh StatefulSet's one pod to the floor).
        Assert.Null(chart.Silos["spec"]!["replicas"]);
    }

    [Fact]
    public async Task Autoscale_SchemaBoundsAreBoundsTheSiloAccepts()
    {
        var chart = await Helm.TemplateAsync(null, "autoscale.minReplicas=1000", "autoscale.maxReplicas=1000", "autoscale.sustainedBacklogSeconds=3600",
            "autoscale.scaleUpStabilizationSeconds=3600", "autoscale.scaleDownStabilizationSeconds=86400", "autoscale.cooldownSeconds=3600", "drain.timeoutSeconds=3600");
        var settings = SiloSettings.From(chart.SiloEnv); // each getter validates as the silo does at start-up
        Assert.Equal(1000, settings.Autoscale.MaxReplicas);
        Assert.Equal(TimeSpan.FromDays(1), settings.Autoscale.ScaleDownStabilization);
        Assert.Equal(TimeSpan.FromHours(1), settings.Drain.Timeout);
    }

    [Fact]
    public async Task Autoscale_Disabled_NoAutoscalerRoleFixedReplicas()
    {
        var chart = await Helm.TemplateAsync(null, "autoscale.enabled=false", "replicaCount=4");
        Assert.DoesNotContain(chart.OfKind("Role").Concat(chart.OfKind("RoleBinding")), o => Manifests.Name(o).EndsWith("-autoscaler", StringComparison.Ordinal));
        Assert.Equal("true", (string?)chart.Silos["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]); // the pod watch still needs it
        Assert.Equal("4", (string?)chart.Silos["spec"]!["replicas"]);
        Assert.False(SiloSettings.From(chart.SiloEnv).Autoscale.Enabled);
    }

    [Fact]
    public async Task AutoscaleAndKubernetesMembership_Disabled_NoRoleNoToken()
    {
        var chart = await Helm.TemplateAsync(null, "autoscale.enabled=false", "membership.kubernetes=false");
        Assert.Empty(chart.OfKind("Role"));
        Assert.Empty(chart.OfKind("RoleBinding"));
        Assert.Equal("false", (string?)chart.Silos["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]);
        Assert.False(SiloSettings.From(chart.SiloEnv).KubernetesMembership.Enabled);
        Assert.DoesNotContain(PodLabels(chart), l => l.Key.StartsWith("orleans/", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(ValuesFiles))]
    public async Task KubernetesMembership_OnByDefault_PodLabelsAreTheSilosClusterIds(string? values)
    {
        var chart = await Helm.TemplateAsync(values);
        var settings = SiloSettings.From(chart.SiloEnv);
        Assert.True(settings.KubernetesMembership.Enabled);
        // What Orleans' pod watch selects on; a mismatch would make the silo relabel its own pod, which the Role refuses.
        var labels = PodLabels(chart);
        Assert.Equal(settings.Cluster.ServiceId, labels["orleans/serviceId"]);
        Assert.Equal(settings.Cluster.ClusterId, labels["orleans/clusterId"]);
        Assert.Equal("true", (string?)chart.Silos["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]);
    }

    [Fact]
    public async Task KubernetesMembership_ClusterIdNotALabelValue_RefusedNamingTheValue()
    {
        var error = await Helm.TemplateErrorAsync("cluster.clusterId=surge.");
        Assert.Contains("cluster.clusterId \"surge.\" is not a Kubernetes label value", error);
        Assert.Contains("membership.kubernetes=false", error);
        await Helm.TemplateAsync(null, "cluster.clusterId=surge.", "membership.kubernetes=false");
    }

    private static Dictionary<string, string> PodLabels(Manifests chart)
        => chart.Silos["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!);

    [Theory, MemberData(nameof(ValuesFiles))]
    public async Task TerminationGrace_ExceedsPreStopAndDrainTimeout(string? values)
    {
        foreach (var chart in new[] { await Helm.TemplateAsync(values), await Helm.TemplateAsync(values, "drain.timeoutSeconds=600") })
        {
            var pod = chart.Silos["spec"]!["template"]!["spec"]!;
            var grace = int.Parse((string)pod["terminationGracePeriodSeconds"]!);
            var preStop = (string?)chart.SiloContainer["lifecycle"]?["preStop"]?["sleep"]?["seconds"] is { } s ? int.Parse(s) : 0;
            var drain = SiloSettings.From(chart.SiloEnv).Drain.Timeout;
            Assert.True(grace > preStop + drain.TotalSeconds, $"terminationGracePeriodSeconds {grace} must exceed preStop {preStop} s + drain {drain}");
        }
    }

    [Fact]
    public async Task Settings_MountedAsAppSettingsBesideTheSilo()
    {
        var chart = await Helm.TemplateAsync(Helm.ProductionValues);
        var mount = chart.SiloContainer["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "settings")!;
        Assert.Equal(Path.Combine(Dockerfile.Load().AppDirectory, "appsettings.Production.json"), (string?)mount["mountPath"]);
        var configMap = chart.Named("ConfigMap", Manifests.Name(chart.Silos) + "-settings");
        var json = JsonNode.Parse((string)configMap["data"]!["appsettings.Production.json"]!)!;
        Assert.Equal("64", json["Surge"]!["Workers"]!["MaxConcurrency"]!.ToJsonString());
        Assert.Contains("checksum/settings", chart.Silos["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject().Select(a => a.Key));
    }

    [Fact]
    public async Task GrafanaDashboard_IsTheRepositorysDashboard()
    {
        var chart = await Helm.TemplateAsync(Helm.ProductionValues);
        var configMap = chart.Named("ConfigMap", Manifests.Name(chart.Silos) + "-grafana-dashboard");
        Assert.Equal("monitoring", (string?)configMap["metadata"]!["namespace"]);
        Assert.Equal("1", (string?)configMap["metadata"]!["labels"]!["grafana_dashboard"]);
        var shipped = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Helm.Chart, "dashboards", "surge-dashboard.json")));
        Assert.True(JsonNode.DeepEquals(shipped, JsonNode.Parse((string)configMap["data"]!["surge-dashboard.json"]!)));
    }

    [Fact]
    public async Task ServiceMonitor_ScrapesMetricsOnTheHttpPort()
    {
        var chart = await Helm.TemplateAsync(Helm.ProductionValues);
        var monitor = chart.Single("ServiceMonitor");
        Assert.Equal("/metrics", (string?)monitor["spec"]!["endpoints"]![0]!["path"]);
        Assert.Equal("http", (string?)monitor["spec"]!["endpoints"]![0]!["port"]);
        var selector = monitor["spec"]!["selector"]!["matchLabels"]!.AsObject();
        var scraped = Assert.Single(chart.OfKind("Service"), s => selector.All(l => (string?)s["metadata"]!["labels"]![l.Key] == (string?)l.Value));
        Assert.Contains(scraped["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == "http");
    }
}
