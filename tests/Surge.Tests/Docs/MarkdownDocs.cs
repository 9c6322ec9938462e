using System.Text;
using System.Text.RegularExpressions;

namespace Surge.Testing.Docs;

/// <summary>
/// The user documentation as the docs tests read it: README.md and docs/*.md, their fenced blocks with the marker
/// comment before each, their links and their anchors. Compiled into both test projects (the unit tests check links
/// and C# snippets; the cluster tests run the shell blocks marked to run).
/// </summary>
public static partial class MarkdownDocs
{
    /// <summary>The repository, found from the test binary by the solution file above it.</summary>
    public static readonly string Root = FindRoot();

    /// <summary>README.md and every docs/*.md, as paths relative to the repository with '/' separators.</summary>
    public static IReadOnlyList<string> Pages()
    {
        var pages = new List<string> { "README.md" };
        var docs = Path.Combine(Root, "docs");
        if (Directory.Exists(docs))
        {
            pages.AddRange(Directory.EnumerateFiles(docs, "*.md").Order(StringComparer.Ordinal)
                .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/')));
        }
        return pages;
    }

    public static string Read(string page) => File.ReadAllText(Path.Combine(Root, page));

    /// <summary>Every fenced block of a page, with the marker comment on the closest non-blank line above it.</summary>
    public static IReadOnlyList<CodeBlock> Blocks(string page)
    {
        var lines = Lines(Read(page));
        var blocks = new List<CodeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!IsFence(lines[i], out var info)) continue;
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !IsClosingFence(lines[i]); i++) body.Add(lines[i]);
            blocks.Add(new CodeBlock(page, start + 1, info, MarkerAbove(lines, start), body));
        }
        return blocks;
    }

    /// <summary>The targets of a page's inline links, outside code, with the line each is on.</summary>
    public static IReadOnlyList<(int Line, string Target)> Links(string page)
    {
        var links = new List<(int, string)>();
        foreach (var (line, text) in ProseLines(page))
        {
            var prose = InlineCode().Replace(text, "");
            foreach (Match m in Link().Matches(prose)) links.Add((line, m.Groups["target"].Value));
        }
        return links;
    }

    /// <summary>The anchors a page offers: its headings as GitHub slugs them, and explicit <c>&lt;a id="…"&gt;</c>.</summary>
    public static ISet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, text) in ProseLines(page))
        {
            if (Heading().Match(text) is { Success: true } h)
            {
                var slug = Slug(h.Groups["title"].Value);
                var unique = slug;
                for (var n = 1; !anchors.Add(unique); n++) unique = $"{slug}-{n}";
            }
            foreach (Match a in HtmlAnchor().Matches(text)) anchors.Add(a.Groups["id"].Value);
        }
        return anchors;
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped (but '-' and '_'), spaces to '-'.</summary>
    public static string Slug(string heading)
    {
        var text = HtmlTag().Replace(heading.Trim(), "").ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        }
        return slug.ToString();
    }

    /// <summary>Text without its common indentation, trailing spaces and blank edges: how snippets are compared.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> lines)
    {
        var trimmed = lines.Select(l => l.TrimEnd()).ToList();
        while (trimmed.Count > 0 && trimmed[0].Length == 0) trimmed.RemoveAt(0);
        while (trimmed.Count > 0 && trimmed[^1].Length == 0) trimmed.RemoveAt(trimmed.Count - 1);
        var indent = trimmed.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return [.. trimmed.Select(l => l.Length == 0 ? l : l[indent..])];
    }

    public static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    // Lines outside fenced blocks, 1-based.
    private static IEnumerable<(int Line, string Text)> ProseLines(string page)
    {
        var lines = Lines(Read(page));
        for (var i = 0; i < lines.Length; i++)
        {
            if (IsFence(lines[i], out _))
            {
                for (i++; i < lines.Length && !IsClosingFence(lines[i]); i++) { }
                continue;
            }
            yield return (i + 1, lines[i]);
        }
    }

    private static bool IsFence(string line, out string info)
    {
        var trimmed = line.TrimStart();
        info = trimmed.StartsWith("```", StringComparison.Ordinal) ? trimmed[3..].Trim() : "";
        return trimmed.StartsWith("```", StringComparison.Ordinal);
    }

    private static bool IsClosingFence(string line) => line.Trim() == "```";

    private static string? MarkerAbove(string[] lines, int fence)
    {
        for (var i = fence - 1; i >= 0; i--)
        {
            if (lines[i].Trim().Length == 0) continue;
            return Comment().Match(lines[i].Trim()) is { Success: true } m ? m.Groups["text"].Value.Trim() : null;
        }
        return null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s+(?:id|name)=""(?<id>[^""]+)""")]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"^<!--(?<text>.*)-->$")]
    private static partial Regex Comment();
}

/// <summary>One fenced block: where it starts (1-based line of the opening fence), its language, the comment above it.</summary>
public sealed record CodeBlock(string Page, int Line, string Language, string? Marker, IReadOnlyList<string> Body)
{
    public string Where => $"{Page}:{Line}";

    /// <summary>The name after <c>snippet:</c> (<c>none</c> for a block excused from compiling), or null without one.</summary>
    public string? SnippetName => Marker is { } m && m.StartsWith("snippet:", StringComparison.Ordinal)
        ? m["snippet:".Length..].Trim().Split(' ', 2)[0]
        : null;

    public bool IsCSharp => Language is "csharp" or "cs" or "c#";
    public bool IsShell => Language is "sh" or "bash" or "shell";
    public bool Runs => Marker == "run";
}
