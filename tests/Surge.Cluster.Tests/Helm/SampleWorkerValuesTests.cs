using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>The sample worker's chart values, rendered by the real helm: its image, and nothing else of the stock silo's pods changed.</summary>
[Trait("Category", "Helm")]
public class SampleWorkerValuesTests
{
    public static readonly string Values = Path.Combine(Repo.Root, "samples", "Surge.Samples.Worker", "helm-values.yaml");

    [Fact]
    public async Task Image_IsTheOneTheDocumentedBuildTags()
    {
        var chart = await Helm.TemplateAsync(Values);
        var build = Dockerfile.Load("samples/Surge.Samples.Worker/Dockerfile").BuildCommand.Split(' ');

        Assert.Equal(build[Array.IndexOf(build, "-t") + 1], (string?)chart.SiloContainer["image"]);
    }

    [Fact]
    public async Task Render_OnlyTheSiloImageDiffersFromTheDefault()
    {
        var stock = await Helm.TemplateAsync();
        var sample = await Helm.TemplateAsync(Values);
        var chartVersion = (string?)stock.Silos["metadata"]!["labels"]!["app.kubernetes.io/version"];

        Assert.Equal($"ghcr.io/surge-runtime/surge-silo:{chartVersion}", (string?)stock.SiloContainer["image"]); // the default is the stock silo still
        Assert.NotEqual((string?)stock.SiloContainer["image"], (string?)sample.SiloContainer["image"]);
        sample.SiloContainer["image"] = (string?)stock.SiloContainer["image"];
        // The certificates helm generates (tls.source=generate) are new at each rendering: compared without their keys.
        foreach (var secret in stock.OfKind("Secret").Concat(sample.OfKind("Secret")).Where(s => (string?)s["type"] == "kubernetes.io/tls"))
            foreach (var key in secret["stringData"]!.AsObject().Select(k => k.Key).ToList()) secret["stringData"]![key] = "(generated)";
        Assert.Equal(Comparable(stock), Comparable(sample));
    }

    // The passwords and token the chart generates differ on every render without a cluster to keep them in.
    private static IEnumerable<string> Comparable(Manifests chart)
    {
        var generated = chart.OfKind("Secret").SelectMany(s => s["stringData"]!.AsObject())
            .Where(v => v.Key is "password" or "token").Select(v => (string)v.Value!).ToList();
        Assert.NotEmpty(generated);
        return chart.Objects.Select(o => generated.Aggregate(o.ToJsonString(), (json, secret) => json.Replace(secret, "<generated>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Lint_SampleValues_Clean()
    {
        var (exitCode, stdout, stderr) = await Helm.LintAsync(Values);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("0 chart(s) failed", stdout);
        Assert.DoesNotContain("[WARNING]", stdout);
    }
}
