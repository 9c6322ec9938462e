using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Surge.Cluster.Tests.Helm;

/// <summary>What <c>helm template</c> rendered, one JSON tree per Kubernetes object (scalars kept as strings).</summary>
internal sealed class Manifests(IReadOnlyList<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> Objects => objects;

    public static Manifests Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Select(n => (JsonObject)ToJson(n)!).ToList());
    }

    public IEnumerable<JsonObject> OfKind(string kind) => objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind) => Assert.Single(OfKind(kind));

    public JsonObject Named(string kind, string name)
        => OfKind(kind).SingleOrDefault(o => Name(o) == name) ?? throw new Xunit.Sdk.XunitException($"no {kind} named {name} was rendered");

    public static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    /// <summary>The silos' StatefulSet (component=silo), not the trial Redis.</summary>
    public JsonObject Silos => OfKind("StatefulSet").Single(o => (string?)o["metadata"]!["labels"]!["app.kubernetes.io/component"] == "silo");

    public JsonObject SiloContainer => (JsonObject)Silos["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => (string?)c!["name"] == "silo")!;

    /// <summary>The silo container's environment: literal values, or "valueFrom" objects.</summary>
    public IReadOnlyDictionary<string, JsonNode> SiloEnv
        => SiloContainer["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!["value"] ?? e["valueFrom"]!);

    public int SiloPort(string name)
        => int.Parse((string)SiloContainer["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"]!);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: "null" or "~" or "" } scalar when scalar.Style == YamlDotNet.Core.ScalarStyle.Plain => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.GetType().Name),
    };
}
