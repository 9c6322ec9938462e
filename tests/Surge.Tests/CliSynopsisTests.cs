using Surge.Cli;
using Xunit.Abstractions;

namespace Surge.Tests;

/// <summary>The README's CLI synopsis is the one the command definitions render: change a command, then paste the new text.</summary>
public class CliSynopsisTests(ITestOutputHelper output)
{
    private const string Begin = "<!-- cli-synopsis:begin -->", End = "<!-- cli-synopsis:end -->";

    [Fact]
    public void Synopsis_Readme_MatchesTheCommandDefinitions()
    {
        var expected = SurgeCli.Synopsis();
        var block = $"{Begin}\n```text\n{expected}```\n{End}";
        output.WriteLine(block);

        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md")).ReplaceLineEndings("\n");
        var (from, to) = (readme.IndexOf(Begin, StringComparison.Ordinal), readme.IndexOf(End, StringComparison.Ordinal));
        Assert.True(from >= 0 && to > from, $"README.md has no {Begin} ... {End} block; put this in its CLI section:\n{block}");
        var actual = readme[from..(to + End.Length)];
        Assert.True(actual == block, $"README.md's CLI synopsis differs from the command definitions; replace its block with:\n{block}");
    }

    [Fact]
    public void Synopsis_EveryCommand_OneEntry()
    {
        var synopsis = SurgeCli.Synopsis();
        foreach (var command in (string[])["submit", "status", "cancel", "dead list", "dead show", "dead retry", "dead purge", "schedule add", "schedule list",
                     "schedule remove", "replay", "workload generate", "workload from-history", "train", "predict", "autoscale history", "simulate-autoscale"])
            Assert.Contains($"surge {command} ", synopsis + " ");
        Assert.DoesNotContain("surge help", synopsis);
        Assert.DoesNotContain("--json", synopsis);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
