using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>silo/Dockerfile read as instructions (Docker cannot run here, so its promises are checked as text).</summary>
internal sealed record Dockerfile(IReadOnlyList<(string Instruction, string Arguments)> Lines)
{
    public static readonly string Path = System.IO.Path.Combine(Repo.Root, "silo", "Dockerfile");

    public static Dockerfile Load() => new(File.ReadAllLines(Path)
        .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split(' ', 2) is [var i, var a] ? (i.ToUpperInvariant(), a.Trim()) : (l.ToUpperInvariant(), "")).ToList());

    /// <summary>The lines of the final stage: what the image runs.</summary>
    public IEnumerable<(string Instruction, string Arguments)> RuntimeStage => Lines.Skip(Lines.Select(l => l.Instruction).ToList().LastIndexOf("FROM"));

    public string AppDirectory => RuntimeStage.Last(l => l.Instruction == "WORKDIR").Arguments;

    public IEnumerable<string> All(string instruction) => Lines.Where(l => l.Instruction == instruction).Select(l => l.Arguments);
}
