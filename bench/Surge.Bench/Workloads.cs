using System.Diagnostics;

namespace Surge.Bench;

/// <summary>Generates workloads with the shared generator (benchmarks may use ../shared; the product may not).</summary>
internal static class Workloads
{
    /// <summary>Extra gen.py arguments for every workload of this run (e.g. --world 7 --shift 0.3).</summary>
    public static string[] World { get; set; } = [];

    public static string Generate(string kind, int n, params string[] extra)
    {
        var genPy = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "workloads", "gen.py"));
        if (!File.Exists(genPy)) throw new FileNotFoundException($"{genPy} not found; pass --workload FILE instead");
        var output = Path.Combine(Path.GetTempPath(), $"surge-{kind}-{n}{string.Concat(World)}{string.Concat(extra)}.jsonl");
        using var gen = Process.Start("python3", [genPy, kind, "--n", n.ToString(), "--out", output, .. World, .. extra])!;
        gen.WaitForExit();
        if (gen.ExitCode != 0) throw new InvalidOperationException($"gen.py {kind} failed with {gen.ExitCode}");
        return output;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
