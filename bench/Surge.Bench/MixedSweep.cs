using System.Text.Json;
using Surge.Replay;
using Surge.Replay.Reports;

namespace Surge.Bench;

/// <summary>
/// What the best hand-tuned split is, and how close the runtime gets by itself: every static split s + l = slots
/// (s slots reserved for short work, oracle routing, the autoscaler off), then the adaptive runtime (pools sized by the
/// silo) with oracle routing and with a model trained on history, all against <c>single</c> (one FIFO queue) on the
/// same workload in the same run. The best split is the one with the lowest short p99 whose long p99 and makespan stay
/// within 1.05× of single's.
/// </summary>
internal static class MixedSweep
{
    private const double Tolerance = 1.05;
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="drawn">Every run's results are added here, for <c>--html</c>.</param>
    public static async Task RunAsync(IReadOnlyList<WorkloadTask> workload, string name, string modelPath, int slots, List<ReplayRunResults> drawn)
    {
        string[] Base(string mode) => [$"--Surge:Routing:Mode={mode}", $"--Surge:Workers:MaxConcurrency={slots}"];
        var single = await Measure("single", [.. Base("single"), "--Surge:Autoscale:Enabled=false"]);
        var splits = new List<(int Short, ReplayReport Report)>();
        for (var s = 1; s < slots; s++)
        {
            var report = await Measure($"static {s}+{slots - s}",
                [.. Base("oracle"), "--Surge:Autoscale:Enabled=false", $"--Surge:Pools:Short:Initial={s}", $"--Surge:Pools:Long:Initial={slots - s}"]);
            splits.Add((s, report));
        }
        var oracle = await Measure("adaptive oracle", Base("oracle"));
        var predicted = await Measure("adaptive predicted", [.. Base("predicted"), $"--Surge:Predictor:ModelPath={modelPath}"]);

        bool Fair(ReplayReport r) => r.Long.P99Ms <= Tolerance * single.Long.P99Ms && r.MakespanS <= Tolerance * single.MakespanS;
        var best = splits.Where(s => Fair(s.Report)).OrderBy(s => s.Report.Short.P99Ms).Select(s => ((int, ReplayReport)?)s).FirstOrDefault();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "mixed_sweep",
            slots,
            single = Row(single),
            splits = splits.Select(s => new { @short = s.Short, @long = slots - s.Short, fair = Fair(s.Report), row = Row(s.Report) }),
            best_split = best is { } b ? $"{b.Item1}+{slots - b.Item1}" : null,
            adaptive_oracle = Row(oracle),
            adaptive_predicted = Row(predicted),
            predicted_vs_best_short_p99 = best is { } p ? Ratio(predicted.Short.P99Ms, p.Item2.Short.P99Ms) : null,
            predicted_vs_single_long_p99 = Ratio(predicted.Long.P99Ms, single.Long.P99Ms),
            predicted_vs_single_makespan = Ratio(predicted.MakespanS, single.MakespanS),
            predicted_vs_oracle_short_p99 = Ratio(predicted.Short.P99Ms, oracle.Short.P99Ms),
            goal = "adaptive predicted: short p99 <= 1.2x the best split's, long p99 and makespan <= 1.05x single; predicted <= 1.1x oracle at short p99",
        }));

        async Task<ReplayReport> Measure(string label, string[] settings)
        {
            var (measured, results) = await MixedWorkloadBench.ReplayAsync(settings, workload, name);
            var report = measured with { Mode = label };
            drawn.Add(new ReplayRunResults(label, report, results));
            Console.WriteLine(report.ToJson());
            Console.WriteLine(JsonSerializer.Serialize(new { mode = label, short_tail = ShortTail.Of(results) }, SnakeCase));
            return report;
        }
    }

    private static object Row(ReplayReport r) => new
    {
        short_p50_ms = r.Short.P50Ms, short_p95_ms = r.Short.P95Ms, short_p99_ms = r.Short.P99Ms,
        long_p99_ms = r.Long.P99Ms, makespan_s = r.MakespanS,
    };

    private static double? Ratio(double a, double b) => b == 0 ? null : Math.Round(a / b, 3); // null, not NaN: JSON has no NaN
}
