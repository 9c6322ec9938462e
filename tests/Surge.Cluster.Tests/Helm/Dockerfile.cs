using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>A Dockerfile read as instructions (Docker cannot run here, so its promises are checked as text).</summary>
internal sealed record Dockerfile(string Path, IReadOnlyList<(string Instruction, string Arguments)> Lines)
{
    /// <summary>The stock silo's image.</summary>
    public static Dockerfile Load() => Load(System.IO.Path.Combine("silo", "Dockerfile"));

    /// <summary>A Dockerfile by its path from the repository root.</summary>
    public static Dockerfile Load(string path)
    {
        var full = System.IO.Path.Combine(Repo.Root, path);
        return new(full, File.ReadAllLines(full)
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2) is [var i, var a] ? (i.ToUpperInvariant(), a.Trim()) : (l.ToUpperInvariant(), "")).ToList());
    }

    /// <summary>The lines of the final stage: what the image runs.</summary>
    public IEnumerable<(string Instruction, string Arguments)> RuntimeStage => Lines.Skip(Lines.Select(l => l.Instruction).ToList().LastIndexOf("FROM"));

    public string AppDirectory => RuntimeStage.Last(l => l.Instruction == "WORKDIR").Arguments;

    public IEnumerable<string> All(string instruction) => Lines.Where(l => l.Instruction == instruction).Select(l => l.Arguments);

    /// <summary>The header's documented build command (<c># docker build -f … -t … .</c>), as written.</summary>
    public string BuildCommand => File.ReadLines(Path).Select(l => l.TrimStart('#').Trim()).First(l => l.StartsWith("docker build ", StringComparison.Ordinal));
}
