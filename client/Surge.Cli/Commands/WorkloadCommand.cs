using System.CommandLine;
using System.Globalization;
using Surge.Cli.CommandLine;
using Surge.Replay.Generation;

namespace Surge.Cli.Commands;

/// <summary>
/// <c>surge workload generate KIND --out FILE</c>: writes a workload (history, mixed, ordered, burst, short-burst) as JSON Lines;
/// <c>surge workload from-history HISTORY --out FILE</c>: turns a recorded history into a workload to replay.
/// </summary>
internal static class WorkloadCommand
{
    private static readonly string[] Kinds = ["history", "mixed", "ordered", "burst", "short-burst"];

    public static Command Create(CliContext context)
        => new("workload", "make workloads to replay, or history to train on") { Generate(context), FromHistory(context) };

    private static Command Generate(CliContext context)
    {
        var kind = new Argument<string>("KIND") { HelpName = string.Join('|', Kinds), Description = "history (to train on), mixed, ordered, burst or short-burst (steady mixed work, a burst of short tasks)" };
        kind.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && !Kinds.Contains(token.Value, StringComparer.OrdinalIgnoreCase))
                r.AddError($"workload kind '{token.Value}' is not one of {string.Join(", ", Kinds)}");
        });
        var output = CliOptions.RequiredOutputFile("--out", "FILE", "the JSON Lines file to write");
        // Generated in memory (as gen.py, whose draws it mirrors): a million tasks took 0.8 GB and 10 s; ten million would
        // have taken about 8 GB.
        var n = CliOptions.Int("--n", 3000, 1, 1_000_000, "tasks (builds for ordered)");
        var seed = CliOptions.Int("--seed", 1, 0, int.MaxValue, "seed of the arrivals and task draws");
        var world = CliOptions.Int("--world", 1, 0, 1_000_000, "seed of the hidden customer and source factors");
        var shift = CliOptions.Double("--shift", 0, 0, 2, "skews the hidden factors, for a world unlike the training one");
        var slots = CliOptions.Int("--slots", 8, 1, 100_000, "concurrency the arrival rate is sized for (mixed, burst, short-burst)");
        var utilization = CliOptions.Double("--utilization", 0.7, 0.01, 10, "share of the slots the arrivals keep busy (mixed, burst, short-burst)");
        var gapMs = CliOptions.Double("--gap-ms", 4, 0.001, 3_600_000, "mean gap between builds (ordered)");
        var command = new Command("generate", "write a workload to replay, or history to train on, as JSON Lines")
            { kind, output, n, seed, world, shift, slots, utilization, gapMs };
        command.SetAction(result =>
        {
            var parsed = Enum.Parse<WorkloadKind>(result.GetRequiredValue(kind).Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
            var path = result.GetRequiredValue(output);
            var options = new WorkloadOptions(parsed, result.GetValue(n), result.GetValue(seed), result.GetValue(world), result.GetValue(shift),
                result.GetValue(slots), result.GetValue(utilization), result.GetValue(gapMs));
            WorkloadGenerator.Write(options, path);
            context.Stdout.WriteLine($"wrote {options.N} {(parsed == WorkloadKind.Ordered ? "builds" : "tasks")} ({parsed.ToString().ToLowerInvariant()}) to {path}");
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command FromHistory(CliContext context)
    {
        var history = new Argument<string>("HISTORY.jsonl") { Description = "a recorded history: type, features, duration_ms, memory_mb, and at_ms or submitted_at when known" };
        var output = CliOptions.RequiredOutputFile("--out", "WORKLOAD.jsonl", "the workload to write, for surge replay");
        var speed = CliOptions.Double("--speed", 1, 0.001, 1_000_000, "arrivals this many times faster than recorded");
        var limit = CliOptions.OptionalInt("--limit", 1, int.MaxValue, "N", "only the first N arrivals");
        var command = new Command("from-history", "turn a recorded history into a workload to replay: your own traffic, at its own pace")
            { history, output, speed, limit };
        command.SetAction(result =>
        {
            var path = result.GetRequiredValue(output);
            var conversion = HistoryWorkload.Write(result.GetRequiredValue(history), path, new FromHistoryOptions(result.GetValue(speed), result.GetValue(limit)));
            var pace = conversion.KeptSubmitTimes
                ? "arrivals at the recorded gaps"
                : "no submit times, so arrivals back to back at one worker's pace";
            context.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {conversion.Tasks.Count} tasks to {path} ({pace}, speed {result.GetValue(speed)}x; last arrival at {(conversion.Tasks.Count > 0 ? conversion.Tasks[^1].AtMs : 0)} ms)"));
            return SurgeCli.Ok;
        });
        return command;
    }
}
