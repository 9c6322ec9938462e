using System.Text.Json.Nodes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>
/// What the chart does against issue 19's gaps: a NetworkPolicy for the silos and the trial Redis, a generated Redis
/// password the silos connect with, HTTP credentials from a Secret, and a service-account token only where something
/// calls the API server.
/// </summary>
[Trait("Category", "Helm")]
public class SecurityChartTests
{
    [Fact]
    public async Task NetworkPolicy_Default_GatewayFromLabelledClientsSiloPortFromSilosHttpFromTheNamespace()
    {
        var chart = await Helm.TemplateAsync();
        var policy = chart.Named("NetworkPolicy", $"{Manifests.Name(chart.Silos)}-silos");
        Assert.True(JsonNode.DeepEquals(chart.Silos["spec"]!["selector"]!["matchLabels"], policy["spec"]!["podSelector"]!["matchLabels"]));
        Assert.Equal(["Ingress"], Strings(policy["spec"]!["policyTypes"]));

        var rules = Rules(policy);
        Assert.Equal(new[] { chart.SiloPort("gateway"), chart.SiloPort("silo"), chart.SiloPort("http") }.Order(), rules.Keys.Order());
        var client = Assert.Single(rules[chart.SiloPort("gateway")]);
        Assert.Equal("true", (string?)client["podSelector"]!["matchLabels"]!["surge.io/client"]);
        Assert.Null(client["namespaceSelector"]); // this namespace only
        var silo = Assert.Single(rules[chart.SiloPort("silo")]);
        Assert.True(JsonNode.DeepEquals(chart.Silos["spec"]!["selector"]!["matchLabels"], silo["podSelector"]!["matchLabels"]));
        var http = Assert.Single(rules[chart.SiloPort("http")]);
        Assert.Empty(http["podSelector"]!.AsObject()); // every pod of the namespace: Prometheus, port-forward users' tools
    }

    [Fact]
    public async Task NetworkPolicy_ProductionValues_ClientNamespacesAndPrometheusNamespaceAdmitted()
    {
        var chart = await Helm.TemplateAsync(Helm.ProductionValues);
        var rules = Rules(chart.Named("NetworkPolicy", $"{Manifests.Name(chart.Silos)}-silos"));
        var client = Assert.Single(rules[chart.SiloPort("gateway")]);
        Assert.Equal("true", (string?)client["namespaceSelector"]!["matchLabels"]!["surge.io/clients"]);
        Assert.Equal("true", (string?)client["podSelector"]!["matchLabels"]!["surge.io/client"]);
        Assert.Contains(rules[chart.SiloPort("http")], p => (string?)p["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"] == "monitoring");
        Assert.DoesNotContain(chart.OfKind("NetworkPolicy"), p => Manifests.Name(p).EndsWith("-redis", StringComparison.Ordinal)); // no trial Redis
    }

    [Fact]
    public async Task NetworkPolicy_TrialRedis_OnlyFromSilos()
    {
        var chart = await Helm.TemplateAsync();
        var redis = chart.Named("StatefulSet", "surge-redis");
        var policy = chart.Named("NetworkPolicy", "surge-redis");
        Assert.True(JsonNode.DeepEquals(redis["spec"]!["selector"]!["matchLabels"], policy["spec"]!["podSelector"]!["matchLabels"]));
        var peers = Assert.Single(Rules(policy), r => r.Key == 6379).Value;
        Assert.True(JsonNode.DeepEquals(chart.Silos["spec"]!["selector"]!["matchLabels"], Assert.Single(peers)["podSelector"]!["matchLabels"]));

        var withClients = await Helm.TemplateAsync(null, "networkPolicy.redisFromClients=true");
        Assert.Equal(2, Rules(withClients.Named("NetworkPolicy", "surge-redis"))[6379].Count);
    }

    [Fact]
    public async Task NetworkPolicy_Disabled_NoneRendered()
        => Assert.Empty((await Helm.TemplateAsync(null, "networkPolicy.enabled=false")).OfKind("NetworkPolicy"));

    [Fact]
    public async Task RedisTrial_GeneratedPassword_RequiredByRedisAndCarriedByTheSilosConnectionString()
    {
        var chart = await Helm.TemplateAsync();
        var secret = chart.Named("Secret", "surge-redis");
        var password = (string)secret["stringData"]!["password"]!;
        Assert.Matches("^[A-Za-z0-9]{32}$", password);
        Assert.EndsWith($",password={password}", ChartSiloTests.PodEnvironment(chart, "jobs")["SURGE_REDIS"]);

        var redis = (JsonObject)chart.Named("StatefulSet", "surge-redis")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var args = Strings(redis["args"]);
        Assert.Equal("$(REDIS_PASSWORD)", args[args.IndexOf("--requirepass") + 1]); // expanded by the kubelet
        var env = redis["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!["valueFrom"]!["secretKeyRef"]!);
        foreach (var name in new[] { "REDIS_PASSWORD", "REDISCLI_AUTH" }) // the server's password, and the probe's redis-cli
            Assert.Equal(("surge-redis", "password"), ((string?)env[name]["name"], (string?)env[name]["key"]));

        var again = await Helm.TemplateAsync(); // no cluster to look the live Secret up in: a new one each render
        Assert.NotEqual(password, (string?)again.Named("Secret", "surge-redis")["stringData"]!["password"]);
    }

    [Fact]
    public async Task HttpAuth_Default_GeneratedSecretGivesTheSiloAUserAndATokenItAccepts()
    {
        var chart = await Helm.TemplateAsync();
        var secret = chart.Named("Secret", "surge-http-auth");
        Assert.Matches("^[A-Za-z0-9]{32}$", (string)secret["stringData"]!["password"]!);
        Assert.Matches("^[A-Za-z0-9]{48}$", (string)secret["stringData"]!["token"]!);

        var auth = SiloSettings.FromPod(chart).HttpAuth; // validated as the silo validates it at start-up
        Assert.True(auth.Enabled);
        Assert.Equal((string)secret["stringData"]!["password"]!, auth.Users["surge"]);
        Assert.Equal((string)secret["stringData"]!["token"]!, auth.Tokens["chart"]);
    }

    [Fact]
    public async Task HttpAuth_ExistingSecret_ReadNotCreated()
    {
        var chart = await Helm.TemplateAsync(Helm.ProductionValues);
        Assert.DoesNotContain(chart.OfKind("Secret"), s => Manifests.Name(s).EndsWith("-http-auth", StringComparison.Ordinal));
        var reference = chart.SiloEnv["Surge__Http__Auth__Users__operator"]["secretKeyRef"]!;
        Assert.Equal(("surge-http-auth", "password"), ((string?)reference["name"], (string?)reference["key"]));
    }

    [Fact]
    public async Task HttpAuth_Disabled_NoSecretNoCredentialVariables()
    {
        var chart = await Helm.TemplateAsync(null, "http.auth.enabled=false");
        Assert.DoesNotContain(chart.OfKind("Secret"), s => Manifests.Name(s).EndsWith("-http-auth", StringComparison.Ordinal));
        Assert.DoesNotContain(chart.SiloEnv.Keys, k => k.StartsWith("Surge__Http__", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("true", "false", "true")]   // the autoscaler patches the StatefulSet's scale
    [InlineData("false", "true", "true")]   // the pod watch lists pods
    [InlineData("false", "false", "false")] // nothing calls the API server: no token for a program to read
    public async Task ServiceAccountToken_MountedOnlyForTheAutoscalerOrThePodWatch(string autoscale, string podWatch, string mounted)
    {
        var chart = await Helm.TemplateAsync(null, $"autoscale.enabled={autoscale}", $"membership.kubernetes={podWatch}");
        Assert.Equal(mounted, (string?)chart.Silos["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]);
        Assert.Equal("false", (string?)chart.Single("ServiceAccount")["automountServiceAccountToken"]);
        Assert.Equal("false", (string?)chart.Named("StatefulSet", "surge-redis")["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]);
    }

    [Theory]
    [InlineData("networkPolicy.enabled=false")]
    [InlineData("http.auth.enabled=false")]
    [InlineData("networkPolicy.redisFromClients=true")]
    public async Task Lint_SecurityValuesChanged_Clean(string set)
    {
        var (exitCode, stdout, stderr) = await Helm.LintAsync(null, set);
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.DoesNotContain("[WARNING]", stdout);
    }

    // Port → the peers allowed to it.
    private static Dictionary<int, List<JsonObject>> Rules(JsonObject policy)
        => policy["spec"]!["ingress"]!.AsArray().ToDictionary(
            r => int.Parse((string)r!["ports"]![0]!["port"]!),
            r => r!["from"]!.AsArray().Select(p => (JsonObject)p!).ToList());

    private static List<string> Strings(JsonNode? list) => [.. list!.AsArray().Select(s => (string)s!)];
}
