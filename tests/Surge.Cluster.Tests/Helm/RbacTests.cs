using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Surge.Autoscale.Kubernetes;
using Surge.Cluster.Tests.Kubernetes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>
/// The rendered Role against what the real autoscaler client sends: every request it makes is allowed, and the Role
/// allows nothing it does not make.
/// </summary>
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
        var rules = chart.Single("Role")["rules"]!.AsArray().Select(r => r!).ToList();
        Assert.All(used, request => Assert.True(rules.Any(r => Allows(r, request)), $"the Role does not allow {request}"));
        var granted = rules.SelectMany(r => Strings(r["verbs"]).SelectMany(v => Strings(r["resources"]).Select(res => (v, res)))).ToHashSet();
        Assert.Equal(used.Select(u => (u.Verb, u.Resource)).ToHashSet(), granted);
        Assert.All(rules, r => Assert.Equal([statefulSet], Strings(r["resourceNames"])));
        Assert.Empty(chart.OfKind("ClusterRole"));
    }

    [Theory, MemberData(nameof(ChartTests.ValuesFiles), MemberType = typeof(ChartTests))]
    public async Task RoleBinding_BindsTheSilosServiceAccount(string? values)
    {
        var chart = await Helm.TemplateAsync(values);
        var binding = chart.Single("RoleBinding");
        Assert.Equal(Manifests.Name(chart.Single("Role")), (string?)binding["roleRef"]!["name"]);
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal((string?)chart.Silos["spec"]!["template"]!["spec"]!["serviceAccountName"], (string?)subject["name"]);
        Assert.Equal("jobs", (string?)subject["namespace"]);
        Assert.Equal("true", (string?)chart.Silos["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]);
    }

    private sealed record ApiRequest(string Verb, string Group, string Namespace, string Resource, string Name);

    // Scale up once, with a conflicting write in between so the retry path's requests are counted too.
    private static async Task<List<ApiRequest>> AutoscalerRequestsAsync(string @namespace, string statefulSet)
    {
        using var api = new FakeKubernetesApi(@namespace, statefulSet, replicas: 2);
        api.ModifyAfterNextRead();
        var scaler = new KubernetesPodScaler(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{api.Port}" }),
            statefulSet, @namespace, TimeProvider.System, NullLogger<KubernetesPodScaler>.Instance);
        await scaler.ScaleAsync(5, "rbac test", CancellationToken.None);
        Assert.True(api.Requests.Count >= 4, "the conflict should have made the scaler read and patch again");
        return api.Requests.Select(r => ToRbac(r.Method, r.Path)).ToList();
    }

    // /apis/<group>/<version>/namespaces/<ns>/<resource>/<name>[/<subresource>] as RBAC sees it.
    private static ApiRequest ToRbac(string method, string path)
    {
        var parts = path.Trim('/').Split('/');
        Assert.True(parts is ["apis", _, _, "namespaces", _, _, _, ..], $"unexpected API path {path}");
        var resource = parts.Length > 7 ? $"{parts[5]}/{parts[7]}" : parts[5];
        var verb = method switch { "GET" => "get", "PATCH" => "patch", "PUT" => "update", "POST" => "create", "DELETE" => "delete", _ => method };
        return new ApiRequest(verb, parts[1], parts[4], resource, parts[6]);
    }

    private static bool Allows(JsonNode rule, ApiRequest request)
        => Strings(rule["apiGroups"]).Contains(request.Group) && Strings(rule["resources"]).Contains(request.Resource)
           && Strings(rule["verbs"]).Contains(request.Verb) && Strings(rule["resourceNames"]).Contains(request.Name);

    private static List<string> Strings(JsonNode? list) => list?.AsArray().Select(n => (string)n!).ToList() ?? [];
}
