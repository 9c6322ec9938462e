using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using ArchUnitNET.Loader;
using Xunit.Abstractions;

namespace Surge.Tests.Architecture;

/// <summary>
/// The folders show the architecture: one feature folder is one namespace, feature namespaces do not depend on each
/// other in a circle, the contracts need nothing but Orleans' SDK, and the client never needs the grains.
/// </summary>
public class ArchitectureTests(ITestOutputHelper output)
{
    // What ships: every assembly and source folder of the product (not tests, benchmarks or the silo's Program).
    private static readonly string[] ProductAssemblies = ["Surge.Contracts", "Surge.Grains", "Surge.Predictor", "Surge.Client", "Surge.Replay", "Surge.Hosting", "surge"];
    private static readonly string[] ProductSources =
        ["grains/Surge.Contracts", "grains/Surge.Grains", "predictor/Surge.Predictor", "client/Surge.Client", "client/Surge.Replay", "client/Surge.Cli", "silo/Surge.Hosting"];

    // Microsoft.Orleans.Sdk is Orleans.Core and what it builds on; Orleans.Runtime (the server) is beyond it.
    private static readonly string[] OrleansSdk = ["Orleans.Core", "Orleans.Core.Abstractions", "Orleans.Serialization", "Orleans.Serialization.Abstractions"];

    private static readonly Lazy<NamespaceGraph> Graph = new(BuildGraph);

    /// <summary>
    /// Arrows between features from two sources: the compiled types' dependencies as ArchUnitNET reads them from the
    /// IL (fields, signatures, method bodies, attributes, generic arguments), and the source's <c>using Surge.X</c>
    /// directives, which also see what the compiler inlines and the IL no longer shows (constants such as storage names).
    /// </summary>
    private static NamespaceGraph BuildGraph()
    {
        var graph = new NamespaceGraph();
        var architecture = new ArchLoader().LoadAssemblies([.. ProductAssemblies.Select(n => Assembly.Load(new AssemblyName(n)))]).Build();
        foreach (var type in architecture.Types)
        {
            if (NamespaceGraph.FeatureOf(type.Namespace?.FullName) is not { } from) continue;
            foreach (var dependency in type.Dependencies)
            {
                if (NamespaceGraph.FeatureOf(dependency.Target?.Namespace?.FullName) is { } to) graph.Add(from, to, $"{type.FullName} uses {dependency.Target!.FullName}");
            }
        }
        foreach (var file in ProductSources.SelectMany(SourceFile.In))
        {
            if (NamespaceGraph.FeatureOf(file.Namespace) is not { } from) continue;
            foreach (var used in file.SurgeUsings) graph.Add(from, NamespaceGraph.FeatureOf(used)!, $"{file.Path}: using {used}");
        }
        return graph;
    }

    [Fact]
    public void FeatureNamespaces_NoCycle()
    {
        output.WriteLine(Graph.Value.ToString());
        var cycles = Graph.Value.Cycles();

        Assert.True(cycles.Count == 0, "Feature namespaces depend on each other in a circle; cut one arrow of each:" + Environment.NewLine
            + string.Join(Environment.NewLine, cycles.Select(Graph.Value.Describe)));
    }

    /// <summary>
    /// A file in grains/Surge.Grains/&lt;Folder&gt;/ declares <c>Surge.&lt;Folder&gt;</c>, in a sub-folder the
    /// sub-namespace (<c>Surge.&lt;Folder&gt;.&lt;Sub&gt;</c>, part of the same feature); a file at the project's
    /// root declares <c>Surge</c>, which holds what every feature shares and depends on no feature.
    /// </summary>
    [Fact]
    public void GrainsFolders_DeclareTheirNamespace()
    {
        var wrong = SourceFile.In("grains/Surge.Grains")
            .Select(f => (f.Path, f.Namespace, Expected: f.RelativeDirectory.Length == 0 ? "Surge" : "Surge." + f.RelativeDirectory.Replace('/', '.')))
            .Where(f => f.Namespace != f.Expected).Select(f => $"{f.Path}: namespace {f.Namespace}, expected {f.Expected}").ToList();

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void Contracts_ReferenceOnlyTheOrleansSdkAndTheBcl()
    {
        var references = Assembly.Load(new AssemblyName("Surge.Contracts")).GetReferencedAssemblies().Select(a => a.Name!);
        var beyond = references.Where(name => !OrleansSdk.Contains(name) && !IsBcl(name)).ToList();
        Assert.True(beyond.Count == 0, $"Surge.Contracts references {string.Join(", ", beyond)}");

        var project = XDocument.Load(Path.Combine(SourceFile.Root, "grains/Surge.Contracts/Surge.Contracts.csproj"));
        var items = project.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "Reference" or "FrameworkReference")
            .Select(e => $"{e.Name.LocalName} {e.Attribute("Include")?.Value}").ToArray();
        Assert.Equal(["PackageReference Microsoft.Orleans.Sdk"], items);
    }

    [Theory]
    [InlineData("Surge.Client", "client/Surge.Client/Surge.Client.csproj")]
    [InlineData("Surge.Replay", "client/Surge.Replay/Surge.Replay.csproj")]
    public void ClientLibraries_NeverReferenceGrainImplementations(string assembly, string project)
    {
        var assemblies = SurgeAssembliesUnder(assembly);
        Assert.DoesNotContain("Surge.Grains", assemblies);
        Assert.DoesNotContain("Surge.Hosting", assemblies);

        var projects = ProjectsUnder(project).Select(Path.GetFileName);
        Assert.DoesNotContain("Surge.Grains.csproj", projects);
        Assert.DoesNotContain("Surge.Hosting.csproj", projects);
    }

    private static bool IsBcl(string name) => File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), name + ".dll"));

    // Surge's assemblies that the named one references, directly or through another of Surge's.
    private static HashSet<string> SurgeAssembliesUnder(string name)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var next = new Stack<string>([name]);
        while (next.TryPop(out var current))
        {
            foreach (var reference in Assembly.Load(new AssemblyName(current)).GetReferencedAssemblies().Select(a => a.Name!))
            {
                if (reference.StartsWith("Surge", StringComparison.OrdinalIgnoreCase) && seen.Add(reference)) next.Push(reference);
            }
        }
        return seen;
    }

    // The project files the named one references, directly or through another.
    private static HashSet<string> ProjectsUnder(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>([Path.GetFullPath(Path.Combine(SourceFile.Root, project))]);
        while (next.TryPop(out var current))
        {
            foreach (var reference in XDocument.Load(current).Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Attribute("Include")!.Value));
                if (seen.Add(path)) next.Push(path);
            }
        }
        return seen;
    }
}
