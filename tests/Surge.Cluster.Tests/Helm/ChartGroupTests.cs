using System.Text.Json.Nodes;
using Surge.Autoscale;

namespace Surge.Cluster.Tests.Helm;

/// <summary>Silo groups in the chart: one StatefulSet, PDB and Role rule per group, and KEDA when pods are external.</summary>
[Trait("Category", "Helm")]
public class ChartGroupTests
{
    private static readonly string GroupsValues = Path.Combine(Helm.Chart, "ci", "groups-values.yaml");
    private static readonly string KedaValues = Path.Combine(Helm.Chart, "ci", "keda-values.yaml");

    public static TheoryData<string, string?> OneGroupRenders => new()
    {
        { "one-group-default.yaml", null },
        { "one-group-production.yaml", Helm.ProductionValues },
    };

    [Theory, MemberData(nameof(OneGroupRenders))]
    public async Task OneGroup_RendersAsBeforeGroups_ApartFromLabelsAndTheOmittedReplicas(string golden, string? values)
    {
        var before = Parse(File.ReadAllText(Path.Combine(Processes.Repo.Root, "tests", "Surge.Cluster.Tests", "Helm", "Golden", golden)));
        var chart = await Helm.TemplateAsync(values);
        // The autoscaler owns the replicas now: rendered before from a lookup that helm template cannot do.
        Assert.Null(chart.Silos["spec"]!["replicas"]);
        foreach (var old in before)
        {
            var now = chart.Named((string)old["kind"]!, Manifests.Name(old));
            if ((string?)old["kind"] == "StatefulSet") ((JsonObject)old["spec"]!).Remove("replicas");
            Assert.Equal(WithoutLabels(old).ToJsonString(), WithoutLabels(now).ToJsonString());
        }
        Assert.Equal(before.Select(Key).Order(), chart.Objects.Where(o => before.Any(b => Key(b) == Key(o)) || IsGroupObject(o)).Select(Key).Order());
    }

    [Fact]
    public async Task TwoGroups_TwoStatefulSetsTwoPdbsAndARoleLimitedToThem()
    {
        var chart = await Helm.TemplateAsync(GroupsValues);
        var silos = SiloSets(chart);
        Assert.Equal(["surge-long", "surge-short"], silos.Keys.Order());
        Assert.All(silos.Values, s => Assert.Null(s["spec"]!["replicas"]));

        // Each selector takes its own group's pods only, and the PDBs select the same pods.
        foreach (var (name, set) in silos)
        {
            var group = name["surge-".Length..];
            Assert.Equal(group, (string?)set["spec"]!["selector"]!["matchLabels"]!["surge.io/group"]);
            Assert.Equal(group, (string?)set["spec"]!["template"]!["metadata"]!["labels"]!["surge.io/group"]);
            var pdb = chart.Named("PodDisruptionBudget", name);
            Assert.Equal(set["spec"]!["selector"]!.ToJsonString(), pdb["spec"]!["selector"]!.ToJsonString());
        }
        Assert.Equal(2, chart.OfKind("PodDisruptionBudget").Count());

        // The Role may scale exactly the StatefulSets the autoscaler's scaler names for the two groups.
        var rules = chart.Named("Role", "surge-autoscaler")["rules"]!.AsArray();
        var scaler = new Hosting.Kubernetes.KubernetesPodScaler(new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }),
            "surge", "jobs", TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Hosting.Kubernetes.KubernetesPodScaler>.Instance);
        Assert.Equal([scaler.StatefulSetOf("long"), scaler.StatefulSetOf("short")], rules.Select(r => (string)r!["resourceNames"]![0]!).Order());
        Assert.All(rules, r => Assert.Equal(["statefulsets/scale"], r!["resources"]!.AsArray().Select(x => (string)x!)));

        // Each pod's settings as its silo binds them.
        var shortSettings = SiloSettings.From(Env(silos["surge-short"]));
        Assert.Equal(("short", true), (shortSettings.Group.Group, shortSettings.Group.Interruptible));
        Assert.Equal([PoolKind.Short], shortSettings.Group.Pools);
        var longSettings = SiloSettings.From(Env(silos["surge-long"]));
        Assert.Equal(("long", false), (longSettings.Group.Group, longSettings.Group.Interruptible));
        Assert.Equal([PoolKind.Long, PoolKind.Single], longSettings.Group.Pools);
        foreach (var settings in new[] { shortSettings, longSettings })
        {
            Assert.Equal((1, 40), (settings.Autoscale.ForGroup("short").MinReplicas, settings.Autoscale.ForGroup("short").MaxReplicas));
            Assert.Equal((2, 10), (settings.Autoscale.ForGroup("long").MinReplicas, settings.Autoscale.ForGroup("long").MaxReplicas));
            Assert.Equal("surge", (string?)Env(silos["surge-short"])["SURGE_STATEFULSET"]);
        }

        // Spot pods: their node selector and toleration, and a drain that fits the two-minute reclaim notice.
        var shortPod = silos["surge-short"]["spec"]!["template"]!["spec"]!;
        Assert.Equal("spot", (string?)shortPod["nodeSelector"]!["karpenter.sh/capacity-type"]);
        Assert.Equal("spot", (string?)shortPod["tolerations"]![0]!["key"]);
        Assert.Equal("120", (string?)shortPod["terminationGracePeriodSeconds"]);
        Assert.True(shortSettings.Drain.Timeout <= TimeSpan.FromSeconds(120 - 15), $"short drains for {shortSettings.Drain.Timeout}");
        var stop = shortSettings.Group.StopTimeout(shortSettings.Drain.Timeout); // what an interruptible silo's stop really takes
        Assert.True(stop <= TimeSpan.FromSeconds(120 - 15), $"short stops within {stop}, past the notice");
        var longPod = silos["surge-long"]["spec"]!["template"]!["spec"]!;
        Assert.Equal("on-demand", (string?)longPod["nodeSelector"]!["karpenter.sh/capacity-type"]);
        Assert.Null(longPod["tolerations"]);
        Assert.Equal(TimeSpan.FromSeconds(300), longSettings.Drain.Timeout);
        Assert.Equal("8Gi", (string?)longPod["containers"]![0]!["resources"]!["limits"]!["memory"]);
    }

    [Fact]
    public async Task PodsExternal_AScaledObjectPerGroupWithTheFieldsKedaDocuments_NoAutoscalerRole()
    {
        var chart = await Helm.TemplateAsync(KedaValues);
        var silos = SiloSets(chart);
        var scaled = chart.OfKind("ScaledObject").ToList();
        Assert.Equal(silos.Keys.Order(), scaled.Select(Manifests.Name).Order());
        // keda.sh/v1alpha1 ScaledObject (keda.sh/docs/latest/reference/scaledobject-spec) and its prometheus trigger
        // (keda.sh/docs/latest/scalers/prometheus): only documented fields, the required ones set.
        string[] specFields = ["scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"];
        string[] prometheusFields = ["serverAddress", "query", "queryParameters", "threshold", "activationThreshold", "namespace", "customHeaders", "ignoreNullValues", "unsafeSsl", "timeout"];
        foreach (var so in scaled)
        {
            Assert.Equal("keda.sh/v1alpha1", (string?)so["apiVersion"]);
            var spec = so["spec"]!.AsObject();
            Assert.All(spec.Select(p => p.Key), key => Assert.Contains(key, specFields));
            var target = spec["scaleTargetRef"]!;
            Assert.Equal(("apps/v1", "StatefulSet"), ((string?)target["apiVersion"], (string?)target["kind"]));
            Assert.Contains((string)target["name"]!, silos.Keys);
            var group = (string)silos[(string)target["name"]!]["metadata"]!["labels"]!["surge.io/group"]!;
            var (min, max) = group == "short" ? (1, 40) : (1, 10);
            Assert.Equal((min, max), (int.Parse((string)spec["minReplicaCount"]!), int.Parse((string)spec["maxReplicaCount"]!)));
            var trigger = Assert.Single(spec["triggers"]!.AsArray())!;
            Assert.Equal("prometheus", (string?)trigger["type"]);
            var metadata = trigger["metadata"]!.AsObject();
            Assert.All(metadata.Select(p => p.Key), key => Assert.Contains(key, prometheusFields));
            Assert.Equal("http://prometheus-operated.monitoring.svc:9090", (string?)metadata["serverAddress"]);
            Assert.Equal($"max(surge_autoscale_replicas_desired{{namespace=\"jobs\",service=\"surge-dashboard\",group=\"{group}\"}})", (string?)metadata["query"]);
            Assert.Equal(1.0, double.Parse((string)metadata["threshold"]!, System.Globalization.CultureInfo.InvariantCulture));
        }
        // The query names the Service the ServiceMonitor scrapes.
        Assert.NotNull(chart.Named("Service", "surge-dashboard"));
        Assert.NotNull(chart.Named("ServiceMonitor", "surge"));
        // Surge patches nothing: no Role for it, and the silos know.
        Assert.DoesNotContain(chart.OfKind("Role"), r => Manifests.Name(r).EndsWith("-autoscaler", StringComparison.Ordinal));
        Assert.All(silos.Values, s => Assert.Null(s["spec"]!["replicas"]));
        Assert.All(silos.Values, s => Assert.Equal(PodScaling.External, SiloSettings.From(Env(s)).Autoscale.Pods));
    }

    [Fact]
    public async Task PodsOff_EachGroupKeepsItsReplicaCount()
    {
        var chart = await Helm.TemplateAsync(GroupsValues, "autoscale.pods=off", "groups[0].replicaCount=3");
        var silos = SiloSets(chart);
        Assert.Equal(("3", "1"), ((string?)silos["surge-short"]["spec"]!["replicas"], (string?)silos["surge-long"]["spec"]!["replicas"]));
        Assert.Empty(chart.OfKind("ScaledObject"));
        Assert.DoesNotContain(chart.OfKind("Role"), r => Manifests.Name(r).EndsWith("-autoscaler", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("groups[0].name=default,groups[1].name=short", "a group named default keeps the single-group StatefulSet")]
    [InlineData("groups[0].name=short,groups[1].name=short", "short is listed twice")]
    [InlineData("groups[0].name=short,groups[0].replicas.min=5,groups[0].replicas.max=3", "short has replicas.min 5 above replicas.max 3")]
    [InlineData("groups[0].name=short,groups[0].interruptible=true,groups[0].reclaimNoticeSeconds=10", "leaves no time to drain")]
    [InlineData("autoscale.pods=external", "set autoscale.keda.serverAddress")]
    public async Task Template_RejectsGroupContradictions(string set, string message)
        => Assert.Contains(message, await Helm.TemplateErrorAsync(set));

    [Theory]
    [InlineData("groups[0].name=Short", "/groups/0/name")]
    [InlineData("groups[0].name=short,groups[0].pools[0]=medium", "/groups/0/pools/0")]
    [InlineData("autoscale.pods=keda", "/autoscale/pods")]
    public async Task Schema_RejectsGroupValuesOutsideIt(string set, string named)
        => Assert.Contains(named, await Helm.TemplateErrorAsync(set));

    private static Dictionary<string, JsonObject> SiloSets(Manifests chart)
        => chart.OfKind("StatefulSet").Where(o => (string?)o["metadata"]!["labels"]!["app.kubernetes.io/component"] == "silo").ToDictionary(Manifests.Name);

    private static IReadOnlyDictionary<string, JsonNode> Env(JsonObject statefulSet)
        => statefulSet["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => (string?)c!["name"] == "silo")!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => e!["value"] ?? e["valueFrom"]!);

    private static string Key(JsonObject o) => $"{o["kind"]}/{Manifests.Name(o)}";

    // What the group templates render (a new kind here would be a change the golden files do not show).
    private static bool IsGroupObject(JsonObject o) => (string?)o["kind"] is "StatefulSet" or "PodDisruptionBudget" or "Role" or "RoleBinding"
        && (string?)o["metadata"]!["labels"]!["app.kubernetes.io/component"] != "redis" && !Manifests.Name(o).EndsWith("-redis", StringComparison.Ordinal);

    private static List<JsonObject> Parse(string yaml) => Manifests.Parse(yaml).Objects.ToList();

    // Labels (metadata and pod template) may differ; selectors may not: a StatefulSet's cannot change.
    private static JsonNode WithoutLabels(JsonNode node)
    {
        var copy = node.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                o.Remove("labels");
                foreach (var child in o.Select(p => p.Value).ToList()) Strip(child);
            }
            else if (n is JsonArray a) foreach (var child in a) Strip(child);
        }
    }
}
