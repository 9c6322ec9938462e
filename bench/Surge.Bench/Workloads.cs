using System.Globalization;
using Surge.Replay.Generation;

namespace Surge.Bench;

/// <summary>Generates the benchmarks' workloads with Surge's own generator (<see cref="WorkloadGenerator"/>).</summary>
internal static class Workloads
{
    /// <summary>Extra generator arguments for every workload of this run, as on the command line (e.g. --world 7 --shift 0.3).</summary>
    public static string[] World { get; set; } = [];

    /// <param name="extra">More arguments, e.g. <c>--gap-ms 40</c> or <c>--seed 2</c>.</param>
    public static string Generate(string kind, int n, params string[] extra)
    {
        string[] args = [.. World, .. extra];
        var options = new WorkloadOptions(Enum.Parse<WorkloadKind>(kind, ignoreCase: true), N: n,
            World: (int)Option(args, "world", 1), Shift: Option(args, "shift", 0), GapMs: Option(args, "gap-ms", 4),
            Seed: (int)Option(args, "seed", 1));
        var output = Path.Combine(Path.GetTempPath(), $"surge-{kind}-{n}{string.Concat(args)}.jsonl");
        // Written aside, then renamed into place: another bench reading the same workload keeps a whole file.
        var written = $"{output}.{Environment.ProcessId}";
        WorkloadGenerator.Write(options, written);
        File.Move(written, output, overwrite: true);
        return output;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
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
