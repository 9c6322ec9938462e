using System.Diagnostics;
using System.Text.Json;
using Surge.Prediction;
using Surge.Prediction.Models;
using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// Prediction latency on the routing path (one thread, pooled engines, after warm-up) and bytes allocated per
/// prediction, beside the per-type baseline measured the same way.
/// </summary>
internal static class PredictionBench
{
    public static void Run(string[] args)
    {
        var rows = WorkloadReader.Read(Workloads.Generate("history", 20_000)).Select(t =>
            new HistoryRow(t.Type, t.Features.Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray(), t.DurationMs, t.MemoryMb)).ToList();
        var model = ModelTrainer.Train(rows, "bench", DateTimeOffset.UtcNow);
        var baseline = new BaselinePredictor();
        foreach (var row in rows) baseline.Observe(row.Type, row.Features, row.DurationMs, row.MemoryMb);

        var modelResult = Measure("model", rows, (t, f) => model.Predict(t, f));
        var baselineResult = Measure("baseline", rows, (t, f) => baseline.Predict(t, f));
        Console.WriteLine(JsonSerializer.Serialize(modelResult));
        Console.WriteLine(JsonSerializer.Serialize(baselineResult));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "prediction",
            model_p50_us = modelResult.p50_us,
            model_p99_us = modelResult.p99_us,
            model_bytes_per_prediction = modelResult.bytes_per_prediction,
            p99_vs_baseline = baselineResult.p99_us > 0 ? Math.Round(modelResult.p99_us / baselineResult.p99_us, 1) : (double?)null,
            goal = "p99 <= 10 us, 0 bytes",
        }));
    }

    private delegate TaskPrediction Predict(string type, ReadOnlySpan<Feature> features);

    private static Result Measure(string name, IReadOnlyList<HistoryRow> rows, Predict predict)
    {
        const int Count = 200_000;
        for (var i = 0; i < 20_000; i++) predict(rows[i % rows.Count].Type, rows[i % rows.Count].Features); // warm-up: JIT, engines
        var samples = new double[Count];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            var row = rows[i % rows.Count];
            var start = Stopwatch.GetTimestamp();
            predict(row.Type, row.Features);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Array.Sort(samples);
        return new Result(name, Count, Math.Round(Percentiles.NearestRank<double>(samples, 0.50), 2), Math.Round(Percentiles.NearestRank<double>(samples, 0.99), 2), Math.Round((double)allocated / Count, 2));
    }

    private sealed record Result(string bench, int predictions, double p50_us, double p99_us, double bytes_per_prediction);
}
