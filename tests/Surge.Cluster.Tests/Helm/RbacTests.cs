using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Surge.Hosting.Kubernetes;
using Surge.Cluster.Tests.Kubernetes;
using Surge.Cluster.Tests.Processes;
using Surge.Cluster.Tests.Redis;

namespace Surge.Cluster.Tests.Helm;

/// <summary>
/// The rendered Roles against what the real clients send: every request the autoscaler (KubernetesClient) and the pod
/// watch (Orleans' Kubernetes hosting, in a silo process) make is allowed, and the Roles allow nothing they do not make.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Helm")]
public class RbacTests
{
    [Theory, MemberData(nameof(ChartTests.ValuesFiles), MemberType = typeof(ChartTests))]
    public async Task Role_GrantsExactlyWhatTheAutoscalerSends(string? values)
    {
        var chart = await Helm.TemplateAsync(values);
        var statefulSet = Manifests.Name(chart.Silos);
        Assert.Equal(statefulSet, (string?)chart.SiloEnv["SURGE_STATEFULSET"]); // the one the autoscaler patches

        var used = await AutoscalerRequestsAsync("jobs", statefulSet);
        var rules = Rules(chart.Named("Role", $"{statefulSet}-autoscaler"));
        AssertGrantsExactly(rules, used);
        Assert.All(rules, r => Assert.Equal([statefulSet], Strings(r["resourceNames"])));
        Assert.Empty(chart.OfKind("ClusterRole"));
    }

    [Fact]
    public async Task MembershipRole_GrantsExactlyWhatThePodWatchSends()
    {
        using var redis = await RedisServer.StartAsync();
        using var api = new FakeKubernetesPods("jobs");
        var chart = await Helm.TemplateAsync(null, "redis.trial.enabled=false", $"redis.connectionString={redis.ConnectionString}");
        using var silo = ChartPod.Start(chart, api, Directory.CreateTempSubdirectory("surge-rbac-").FullName, 0);
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(() => api.IsWatching(silo.Name), "the silo watching its pods", TimeSpan.FromSeconds(30));
        api.AddPod("a-pod-of-no-silo", ChartPod.Labels(chart)); // the watch sees a pod come and go: no further calls
        api.DeletePod("a-pod-of-no-silo");
        // Part of the scenario, not a wait for a condition: the right answer is "no further calls", and no event says a
        // call will never come. Half a second is what a reaction to the watch's two events would take.
        await Task.Delay(500);

        var used = api.Requests.Where(r => r.Token == silo.Name).Select(r => ToRbac(r.Method, r.Path, r.Query)).ToList();
        Assert.All(used, r => Assert.Equal(("", "jobs", "pods"), (r.Group, r.Namespace, r.Resource)));
        Assert.Equal(["get", "list", "watch"], used.Select(r => r.Verb).Distinct().Order());
        AssertGrantsExactly(Rules(chart.Named("Role", $"{Manifests.Name(chart.Silos)}-membership")), used);
    }

    [Theory, MemberData(nameof(ChartTests.ValuesFiles), MemberType = typeof(ChartTests))]
    public async Task RoleBindings_BindTheSilosServiceAccount(string? values)
    {
        var chart = await Helm.TemplateAsync(values);
        var roles = chart.OfKind("Role").Select(Manifests.Name).Order().ToList();
        Assert.Equal([$"{Manifests.Name(chart.Silos)}-autoscaler", $"{Manifests.Name(chart.Silos)}-membership"], roles);
        Assert.Equal(roles, chart.OfKind("RoleBinding").Select(b => (string)b["roleRef"]!["name"]!).Order());
        foreach (var binding in chart.OfKind("RoleBinding"))
        {
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal((string?)chart.Silos["spec"]!["template"]!["spec"]!["serviceAccountName"], (string?)subject["name"]);
            Assert.Equal("jobs", (string?)subject["namespace"]);
        }
        Assert.Equal("true", (string?)chart.Silos["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]);
    }

    private sealed record ApiRequest(string Verb, string Group, string Namespace, string Resource, string? Name);

    // Scale up once, with a conflicting write in between so the retry path's requests are counted too.
    private static async Task<List<ApiRequest>> AutoscalerRequestsAsync(string @namespace, string statefulSet)
    {
        using var api = new FakeKubernetesApi(@namespace, statefulSet, replicas: 2);
        api.ModifyAfterNextRead();
        var scaler = new KubernetesPodScaler(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{api.Port}" }),
            statefulSet, @namespace, TimeProvider.System, NullLogger<KubernetesPodScaler>.Instance);
        await scaler.ScaleAsync("default", 1, 5, "rbac test", CancellationToken.None);
        Assert.True(api.Requests.Count >= 4, "the conflict should have made the scaler read and patch again");
        return api.Requests.Select(r => ToRbac(r.Method, r.Path, "")).ToList();
    }

    // Every request allowed by some rule, and every (verb, resource) granted used.
    private static void AssertGrantsExactly(List<JsonNode> rules, List<ApiRequest> used)
    {
        Assert.All(used, request => Assert.True(rules.Any(r => Allows(r, request)), $"the Role does not allow {request}"));
        var granted = rules.SelectMany(r => Strings(r["verbs"]).SelectMany(v => Strings(r["resources"]).Select(res => (v, res)))).ToHashSet();
        Assert.Equal(used.Select(u => (u.Verb, u.Resource)).ToHashSet(), granted);
    }

    // /api/v1/namespaces/<ns>/<resource>[/<name>[/<subresource>]] (core) or /apis/<group>/<version>/namespaces/... as
    // RBAC sees it: a GET without a name is list, or watch with watch=true.
    private static ApiRequest ToRbac(string method, string path, string query)
    {
        var (group, rest) = path.Trim('/').Split('/') switch
        {
            ["api", "v1", .. var r] => ("", r),
            ["apis", var g, _, .. var r] => (g, r),
            _ => throw new Xunit.Sdk.XunitException($"unexpected API path {path}"),
        };
        Assert.True(rest is ["namespaces", _, _, ..], $"not a namespaced request: {path}");
        var name = rest.Length > 3 ? rest[3] : null;
        var resource = rest.Length > 4 ? $"{rest[2]}/{rest[4]}" : rest[2];
        var watch = System.Web.HttpUtility.ParseQueryString(query)["watch"] is "true" or "1";
        var verb = (method, name, watch) switch
        {
            ("GET", null, true) => "watch",
            ("GET", null, false) => "list",
            ("GET", _, _) => "get",
            ("PATCH", _, _) => "patch",
            ("PUT", _, _) => "update",
            ("POST", _, _) => "create",
            ("DELETE", null, _) => "deletecollection",
            ("DELETE", _, _) => "delete",
            _ => method,
        };
        return new ApiRequest(verb, group, rest[1], resource, name);
    }

    // A rule naming resources allows only requests for those names (never a list or a watch).
    private static bool Allows(JsonNode rule, ApiRequest request)
        => Strings(rule["apiGroups"]).Contains(request.Group) && Strings(rule["resources"]).Contains(request.Resource)
           && Strings(rule["verbs"]).Contains(request.Verb)
           && (Strings(rule["resourceNames"]) is not { Count: > 0 } names || (request.Name is { } n && names.Contains(n)));

    private static List<JsonNode> Rules(JsonObject role) => role["rules"]!.AsArray().Select(r => r!).ToList();

    private static List<string> Strings(JsonNode? list) => list?.AsArray().Select(n => (string)n!).ToList() ?? [];
}
