namespace Surge.Tests.Architecture;

/// <summary>The cycle finder on small graphs made up here: it must fail on any cycle, and only on cycles.</summary>
public class NamespaceGraphTests
{
    private static NamespaceGraph Graph(params (string From, string To)[] arrows)
    {
        var graph = new NamespaceGraph();
        foreach (var (from, to) in arrows) graph.Add(from, to, $"{from}.X uses {to}.Y");
        return graph;
    }

    [Fact]
    public void Cycles_Layers_None()
        => Assert.Empty(Graph(("Hosting", "Tasks"), ("Tasks", "Entities"), ("Hosting", "Entities"), ("Entities", "Surge"), ("Tasks", "Surge")).Cycles());

    [Fact]
    public void Cycles_TwoFeaturesUsingEachOther_OneCycle()
        => Assert.Equal(["Entities", "Tasks"], Assert.Single(Graph(("Tasks", "Entities"), ("Entities", "Tasks"), ("Hosting", "Tasks")).Cycles()));

    [Fact]
    public void Cycles_LoopOfThree_OneCycleNamingEachArrow()
    {
        var graph = Graph(("A", "B"), ("B", "C"), ("C", "A"), ("D", "A"), ("C", "E"));

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["A", "B", "C"], cycle);
        var description = graph.Describe(cycle);
        Assert.Contains("A -> B   (A.X uses B.Y)", description);
        Assert.Contains("C -> A   (C.X uses A.Y)", description);
        Assert.DoesNotContain("D ->", description);
        Assert.DoesNotContain("-> E", description);
    }

    [Fact]
    public void Cycles_TwoSeparateLoops_Both()
        => Assert.Equal(2, Graph(("A", "B"), ("B", "A"), ("C", "D"), ("D", "E"), ("E", "C"), ("A", "C")).Cycles().Count);

    [Fact]
    public void Add_WithinOneFeature_NoArrow()
        => Assert.Empty(Graph(("A", "A")).Cycles());

    [Theory]
    [InlineData("Surge", "Surge")]
    [InlineData("Surge.Tasks", "Surge.Tasks")]
    [InlineData("Surge.Autoscale.Kubernetes", "Surge.Autoscale")]
    [InlineData("Surgeon.Tasks", null)]
    [InlineData("OrleansCodeGen.Surge.Tasks", null)]
    [InlineData(null, null)]
    public void FeatureOf_Namespace_FirstTwoPartsOfSurge(string? ns, string? feature) => Assert.Equal(feature, NamespaceGraph.FeatureOf(ns));
}
