using System.Text.RegularExpressions;
using Surge.Testing.Docs;

namespace Surge.Tests.Docs;

/// <summary>
/// The README stays a front door, every link of the docs leads somewhere, and every C# block a reader may copy is
/// compiled code: it appears verbatim in Snippets/*.cs between <c>// begin-snippet: NAME</c> and <c>// end-snippet</c>.
/// </summary>
public partial class DocsTests
{
    private const int ReadmeLimit = 12_000;
    private static readonly string SnippetDir = Path.Combine(MarkdownDocs.Root, "tests", "Surge.Tests", "Docs", "Snippets");

    [Fact]
    public void Readme_Length_UnderTwelveThousandCharacters()
    {
        var length = MarkdownDocs.Read("README.md").Length;
        Assert.True(length < ReadmeLimit,
            $"README.md is {length} characters; keep it under {ReadmeLimit:N0}: move detail to a page under docs/ and link to it.");
    }

    [Fact]
    public void Links_EveryRelativeLink_ResolvesToAFileAndAnchor()
    {
        var broken = new List<string>();
        foreach (var page in MarkdownDocs.Pages().Append("samples/README.md"))
        {
            foreach (var (line, target) in MarkdownDocs.Links(page))
            {
                if (Regex.IsMatch(target, "^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)) continue; // https:, mailto:
                if (Resolve(page, target) is { } why) broken.Add($"{page}:{line}: ({target}) {why}");
            }
        }
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
    }

    public static TheoryData<string, int> CSharpBlocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var block in MarkdownDocs.Pages().SelectMany(MarkdownDocs.Blocks).Where(b => b.IsCSharp)) data.Add(block.Page, block.Line);
        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void CSharpBlock_MatchesItsCompiledSnippet(string page, int line)
    {
        var block = MarkdownDocs.Blocks(page).Single(b => b.Line == line);
        var name = block.SnippetName;
        Assert.True(name is not null,
            $"{block.Where}: a csharp block without a marker. Put <!-- snippet: NAME --> on the line above it and the same code " +
            $"between // begin-snippet: NAME and // end-snippet in tests/Surge.Tests/Docs/Snippets/*.cs, or, if it cannot compile " +
            "there, <!-- snippet: none (why) -->.");
        if (name == "none")
        {
            Assert.Matches(@"^snippet:\s*none\s+\(.+\)$", block.Marker!);
            return;
        }
        var snippets = Snippets();
        Assert.True(snippets.TryGetValue(name!, out var code),
            $"{block.Where}: snippet '{name}' is not in tests/Surge.Tests/Docs/Snippets/*.cs (known: {string.Join(", ", snippets.Keys.Order())}).");
        var shown = MarkdownDocs.Normalize(block.Body);
        Assert.True(shown.SequenceEqual(code), $"{block.Where}: the block differs from snippet '{name}'.\n{FirstDifference(shown, code)}");
    }

    [Fact]
    public void Snippets_EachIsShownSomewhere()
    {
        var shown = MarkdownDocs.Pages().SelectMany(MarkdownDocs.Blocks).Select(b => b.SnippetName).ToHashSet();
        var unused = Snippets().Keys.Where(name => !shown.Contains(name)).Order().ToList();
        Assert.True(unused.Count == 0, $"snippets no page shows (delete them, or mark a block with them): {string.Join(", ", unused)}");
    }

    [Fact]
    public void RunMarker_OnlyAboveShellBlocks()
    {
        var misplaced = MarkdownDocs.Pages().SelectMany(MarkdownDocs.Blocks).Where(b => b.Runs && !b.IsShell).Select(b => b.Where).ToList();
        Assert.True(misplaced.Count == 0, $"<!-- run --> marks shell blocks only (```sh or ```bash): {string.Join(", ", misplaced)}");
    }

    [Fact]
    public void Slug_Heading_AsGitHubMakesIt()
    {
        Assert.Equal("short-work-beside-long-mixed---sweep", MarkdownDocs.Slug("Short work beside long: `mixed --sweep`"));
        Assert.Equal("whats-planned", MarkdownDocs.Slug("What's planned"));
        Assert.Equal("in-silo-at-once-by-the-silo-itself", MarkdownDocs.Slug("In-silo, at once, by the silo itself"));
    }

    // Null when the target exists (and so does its anchor); else why not.
    private static string? Resolve(string page, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var file = path.Length == 0 ? page : Path.GetRelativePath(MarkdownDocs.Root,
            Path.GetFullPath(Path.Combine(MarkdownDocs.Root, Path.GetDirectoryName(page)!, path))).Replace('\\', '/');
        var full = Path.Combine(MarkdownDocs.Root, file);
        if (!File.Exists(full) && !Directory.Exists(full)) return $"{file} does not exist";
        if (anchor is null || !file.EndsWith(".md", StringComparison.Ordinal)) return null;
        return MarkdownDocs.Anchors(file).Contains(anchor) ? null : $"{file} has no heading or anchor '#{anchor}'";
    }

    private static Dictionary<string, IReadOnlyList<string>> Snippets()
    {
        var snippets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(SnippetDir, "*.cs").Order(StringComparer.Ordinal))
        {
            var lines = MarkdownDocs.Lines(File.ReadAllText(file));
            for (var i = 0; i < lines.Length; i++)
            {
                if (Begin().Match(lines[i]) is not { Success: true } m) continue;
                var name = m.Groups["name"].Value;
                var start = i + 1;
                while (++i < lines.Length && !End().IsMatch(lines[i])) { }
                Assert.True(i < lines.Length, $"{Path.GetFileName(file)}: snippet '{name}' has no // end-snippet");
                Assert.True(snippets.TryAdd(name, MarkdownDocs.Normalize(lines[start..i])), $"{Path.GetFileName(file)}: snippet '{name}' is defined twice");
            }
        }
        return snippets;
    }

    private static string FirstDifference(IReadOnlyList<string> shown, IReadOnlyList<string> code)
    {
        for (var i = 0; i < Math.Max(shown.Count, code.Count); i++)
        {
            var a = i < shown.Count ? shown[i] : "(end of block)";
            var b = i < code.Count ? code[i] : "(end of snippet)";
            if (a != b) return $"first difference, line {i + 1} of the block:\n  docs:    {a}\n  snippet: {b}";
        }
        return "";
    }

    [GeneratedRegex(@"^\s*//\s*begin-snippet:\s*(?<name>\S+)\s*$")]
    private static partial Regex Begin();

    [GeneratedRegex(@"^\s*//\s*end-snippet\s*$")]
    private static partial Regex End();
}
