using System.Text.RegularExpressions;

namespace Surge.Tests.Architecture;

/// <summary>One C# file of a product project, as the architecture rules read it: where it is, its namespace, what it imports.</summary>
internal sealed partial record SourceFile(string Project, string RelativeDirectory, string Path, string? Namespace, IReadOnlyList<string> SurgeUsings)
{
    /// <summary>The repository, found from the test binary by the solution file beside it.</summary>
    public static readonly string Root = FindRoot();

    /// <summary>Every .cs file of a project folder (relative to the repository), build output left out.</summary>
    public static IEnumerable<SourceFile> In(string project)
    {
        var dir = System.IO.Path.Combine(Root, project);
        foreach (var path in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = System.IO.Path.GetRelativePath(dir, path).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(path);
            var folder = System.IO.Path.GetDirectoryName(relative)!.Replace('\\', '/');
            yield return new SourceFile(project, folder, $"{project}/{relative}", NamespaceOf(text),
                [.. UsingPattern().Matches(text).Select(m => m.Groups["ns"].Value)]);
        }
    }

    private static string? NamespaceOf(string text) => NamespacePattern().Match(text) is { Success: true } m ? m.Groups["ns"].Value : null;

    [GeneratedRegex(@"^namespace\s+(?<ns>[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    // using Surge.X; using static Surge.X.Y; using Alias = Surge.X.Y; (global or not)
    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<ns>Surge(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
