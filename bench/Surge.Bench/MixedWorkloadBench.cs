using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;
using Surge.Prediction;
using Surge.Prediction.Models;
using Surge.Replay;
using Surge.Replay.Reports;

namespace Surge.Bench;

/// <summary>
/// Replays one mixed workload in the routing modes, each on a fresh embedded silo with 8 slots, and compares:
/// short-task p99 of <c>predicted</c> (starting from a model trained on history) against <c>oracle</c>, long-task p99
/// and makespan against <c>single</c>. <c>predicted-baseline</c> is the cold start: the per-type baseline alone.
/// </summary>
internal static class MixedWorkloadBench
{
    // (report name, routing mode, whether the silo starts from a model trained on history)
    private static readonly (string Name, string Mode, bool Model)[] Runs =
        [("single", "single", false), ("type", "type", false), ("predicted-baseline", "predicted", false), ("predicted", "predicted", true), ("oracle", "oracle", false)];

    public static async Task RunAsync(string[] args)
    {
        var path = BenchCli.Option(args, "workload", "") is { Length: > 0 } given ? given : Workloads.Generate("mixed", int.Parse(BenchCli.Option(args, "n", "3000")));
        var workload = WorkloadReader.Read(path);
        var quantile = double.Parse(BenchCli.Option(args, "margin-quantile", ModelTrainer.DefaultMarginQuantile.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);
        var model = TrainModel(BenchCli.Option(args, "history", "") is { Length: > 0 } h ? h : Workloads.Generate("history", 20_000), quantile);
        try
        {
            await RunAsync(args, path, workload, model);
        }
        finally
        {
            File.Delete(model); // one per run (see TrainModel)
        }
    }

    private static async Task RunAsync(string[] args, string path, IReadOnlyList<WorkloadTask> workload, string model)
    {
        // --html: every run's tasks drawn on one page (ReplayHtml), beside the JSON lines.
        var html = BenchCli.Option(args, "html", "") is { Length: > 0 } page ? page : null;
        var drawn = new List<ReplayRunResults>();
        if (BenchCli.Flag(args, "sweep") && BenchCli.Flag(args, "simulate"))
        {
            MixedSweepSim.Run(workload, int.Parse(BenchCli.Option(args, "slots", "8")), model,
                double.Parse(BenchCli.Option(args, "overhead-ms", "0"), System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        if (BenchCli.Flag(args, "sweep"))
        {
            await MixedSweep.RunAsync(workload, Path.GetFileName(path), model, int.Parse(BenchCli.Option(args, "slots", "8")), drawn);
            await WriteHtmlAsync(html, "bench mixed --sweep", drawn);
            return;
        }
        var only = BenchCli.Option(args, "runs", "") is { Length: > 0 } list ? list.Split(',') : null;
        var reports = new Dictionary<string, ReplayReport>();
        foreach (var (name, mode, useModel) in Runs)
        {
            if (only is not null && !only.Contains(name)) continue;
            var (report, results) = await ReplayAsync(mode, useModel ? model : null, workload, Path.GetFileName(path));
            reports[name] = report with { Mode = name };
            drawn.Add(new ReplayRunResults(name, reports[name], results));
            Console.WriteLine(reports[name].ToJson());
        }
        await WriteHtmlAsync(html, "bench mixed", drawn);
        if (only is not null) return;
        var (p, o, s) = (reports["predicted"], reports["oracle"], reports["single"]);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "mixed",
            predicted_vs_oracle_short_p99 = Ratio(p.Short.P99Ms, o.Short.P99Ms),
            predicted_vs_single_long_p99 = Ratio(p.Long.P99Ms, s.Long.P99Ms),
            predicted_vs_single_makespan = Ratio(p.MakespanS, s.MakespanS),
            baseline_vs_oracle_short_p99 = Ratio(reports["predicted-baseline"].Short.P99Ms, o.Short.P99Ms),
            type_vs_oracle_short_p99 = Ratio(reports["type"].Short.P99Ms, o.Short.P99Ms),
            goal = "short p99 <= 1.2x oracle; long p99 and makespan <= 1.1x single",
        }));
    }

    private static double Ratio(double a, double b) => b == 0 ? double.NaN : Math.Round(a / b, 3);

    // Trains on the same world the mixed workload comes from: what a deployment learns from its own history.
    internal static string TrainModel(string historyPath, double marginQuantile)
    {
        var rows = WorkloadReader.Read(historyPath).Select(t =>
            new HistoryRow(t.Type, t.Features.Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray(), t.DurationMs, t.MemoryMb)).ToList();
        var model = ModelTrainer.Train(rows, "bench", DateTimeOffset.UtcNow, marginQuantile: marginQuantile);
        // One file per bench process: two benches at once would otherwise write over the file the other's silos read.
        var path = Path.Combine(Path.GetTempPath(), $"surge-bench-model-{Environment.ProcessId}.zip");
        model.Save(path);
        return path;
    }

    private static async Task WriteHtmlAsync(string? path, string title, IReadOnlyList<ReplayRunResults> runs)
    {
        if (path is null) return;
        await ReplayHtml.Build(title, runs).WriteAsync(path);
        Console.Error.WriteLine($"html: {Path.GetFullPath(path)}");
    }

    private static Task<(ReplayReport Report, IReadOnlyList<ReplayResult> Results)> ReplayAsync(string mode, string? modelPath, IReadOnlyList<WorkloadTask> workload, string name)
        => ReplayAsync([$"--Surge:Routing:Mode={mode}", "--Surge:Workers:MaxConcurrency=8", $"--Surge:Predictor:ModelPath={modelPath}"], workload, name);

    /// <summary>One replay on a fresh embedded silo with these settings: its report and every task's result.</summary>
    internal static async Task<(ReplayReport Report, IReadOnlyList<ReplayResult> Results)> ReplayAsync(string[] settings, IReadOnlyList<WorkloadTask> workload, string name)
    {
        using var host = await BenchHosts.SiloAsync(settings);
        try
        {
            return await ReplayRun.RunWithResultsAsync(host.Services.GetRequiredService<ISurgeClient>(), workload, name, new ReplayOptions(), null, CancellationToken.None);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
