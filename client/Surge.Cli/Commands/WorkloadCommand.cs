using System.Globalization;
using Surge.Replay.Generation;

namespace Surge.Cli.Commands;

/// <summary><c>surge workload generate KIND --out FILE</c>: writes a workload (history, mixed, ordered, burst) as JSON Lines.</summary>
internal static class WorkloadCommand
{
    public static int Run(CliArgs args, TextWriter stdout)
    {
        if (args.Positional is not ["generate", var kindText])
            throw new UsageException("usage: surge workload generate history|mixed|ordered|burst --out FILE [--n N] [--seed S] [--world W] [--shift X] [--slots N] [--utilization U] [--gap-ms MS]");
        if (!Enum.TryParse<WorkloadKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            throw new UsageException($"workload kind '{kindText}' is not one of history, mixed, ordered, burst");
        args.RejectUnknown("out", "n", "seed", "world", "shift", "slots", "utilization", "gap-ms");
        var output = args.Require("out", "name the file to write, e.g. --out mixed.jsonl");
        var options = new WorkloadOptions(kind,
            N: args.GetInt("n", 3000, 1, 10_000_000),
            Seed: args.GetInt("seed", 1, 0, int.MaxValue),
            World: args.GetInt("world", 1, 0, 1_000_000),
            Shift: Double(args, "shift", 0, 0, 2),
            Slots: args.GetInt("slots", 8, 1, 100_000),
            Utilization: Double(args, "utilization", 0.7, 0.01, 10),
            GapMs: Double(args, "gap-ms", 4, 0.001, 3_600_000));
        WorkloadGenerator.Write(options, output);
        stdout.WriteLine($"wrote {options.N} {(kind == WorkloadKind.Ordered ? "builds" : "tasks")} ({kind.ToString().ToLowerInvariant()}) to {output}");
        return SurgeCli.Ok;
    }

    private static double Double(CliArgs args, string name, double fallback, double min, double max)
    {
        if (args.Get(name) is not { } text) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"--{name} '{text}' is not a number from {min} to {max}");
        return value;
    }
}
