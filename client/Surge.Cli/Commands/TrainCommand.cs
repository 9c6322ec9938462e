using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Surge.Prediction;
using Surge.Prediction.Models;
using Surge.Replay;

namespace Surge.Cli.Commands;

/// <summary>
/// <c>surge train</c>: trains the duration and memory models from a history file, holding back 20% to compare the
/// model with the per-type baseline on the same rows.
/// </summary>
internal static class TrainCommand
{
    private const double HeldOutShare = 0.2;

    public static int Run(CliArgs args, TextWriter stdout)
    {
        args.RejectUnknown("history", "out", "json", "threshold-ms", "seed");
        var history = Rows(WorkloadReader.Read(args.Require("history", "name a history file, e.g. --history history.jsonl (surge workload generate history)")));
        var output = args.Require("out", "name the model file to write, e.g. --out model.zip");
        var threshold = args.GetInt("threshold-ms", 50, 1, 3_600_000);
        var seed = args.GetInt("seed", 1, 0, int.MaxValue);

        var shuffled = history.ToArray();
        new Random(seed).Shuffle(shuffled);
        var heldOut = shuffled[..(int)(shuffled.Length * HeldOutShare)];
        var training = shuffled[heldOut.Length..];
        if (training.Length < ModelTrainer.MinRows)
            throw new CliException($"{history.Count} rows leave {training.Length} to train on; need at least {ModelTrainer.MinRows / (1 - HeldOutShare):0} rows");

        var clock = Stopwatch.StartNew();
        var model = ModelTrainer.Train(training, $"file-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}", DateTimeOffset.UtcNow, seed);
        var trainMs = clock.ElapsedMilliseconds;
        model.Save(output);

        var baseline = new BaselinePredictor();
        foreach (var row in training) baseline.Observe(row.Type, row.Features, row.DurationMs, row.MemoryMb);
        var modelScore = ModelEvaluation.Of(r => model.Predict(r.Type, r.Features), heldOut, threshold);
        var baselineScore = ModelEvaluation.Of(r => baseline.Predict(r.Type, r.Features), heldOut, threshold);

        if (args.Has("json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(new { rows = history.Count, train_ms = trainMs, model = Json(modelScore), baseline = Json(baselineScore) }));
        }
        else
        {
            stdout.WriteLine($"trained on {training.Length} rows in {trainMs} ms, evaluated on {heldOut.Length} held-out rows; wrote {output}");
            stdout.WriteLine($"{"",-32} {"model",9} {"baseline",9}");
            Line(stdout, "short/long accuracy", modelScore.ShortLongAccuracy, baselineScore.ShortLongAccuracy);
            Line(stdout, "duration off by 2x or more", modelScore.OffBy2x, baselineScore.OffBy2x);
            Line(stdout, "memory median relative error", modelScore.MemoryMedianRelError, baselineScore.MemoryMedianRelError);
            Line(stdout, "routing accuracy (risk margin)", modelScore.RoutingAccuracy, baselineScore.RoutingAccuracy);
            Line(stdout, "long tasks routed short", modelScore.LongAsShort, baselineScore.LongAsShort);
        }
        return SurgeCli.Ok;
    }

    internal static IReadOnlyList<HistoryRow> Rows(IReadOnlyList<WorkloadTask> tasks)
        => tasks.Select(t => new HistoryRow(t.Type, Features(t), t.DurationMs, t.MemoryMb)).ToList();

    internal static Feature[] Features(WorkloadTask task)
        => task.Features.Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray();

    private static object Json(ModelEvaluation e) => new
    {
        short_long_accuracy = e.ShortLongAccuracy,
        off_by_2x = e.OffBy2x,
        memory_median_rel_error = e.MemoryMedianRelError,
        routing_accuracy = e.RoutingAccuracy,
        long_as_short = e.LongAsShort,
    };

    private static void Line(TextWriter w, string name, double model, double baseline)
        => w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} {model,9:0.0000} {baseline,9:0.0000}"));
}
