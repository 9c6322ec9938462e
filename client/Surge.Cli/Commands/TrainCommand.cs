using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;
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

    public static Command Create(CliContext context)
    {
        var history = CliOptions.Required("--history", "HISTORY.jsonl", "the history to learn from (surge workload generate history makes one)");
        var output = CliOptions.RequiredOutputFile("--out", "MODEL.zip", "the model file to write");
        var threshold = CliOptions.Int("--threshold-ms", 50, 1, 3_600_000, "the short/long threshold the scores are measured against");
        var seed = CliOptions.Int("--seed", 1, 0, int.MaxValue, "the seed of the held-out split and the trainer");
        var format = CliOptions.Output();
        var json = new Option<bool>("--json") { Hidden = true, Description = "the same as --output json (kept for older scripts)" };
        var command = new Command("train", "train the duration and memory models from a history file; scores them against the per-type baseline")
            { history, output, threshold, seed, format, json };
        command.SetAction(result =>
        {
            var view = Train(result.GetRequiredValue(history), result.GetRequiredValue(output), result.GetValue(threshold), result.GetValue(seed));
            CliOutput.Write(context.Stdout, result.GetValue(json) ? OutputFormat.Json : result.GetFormat(format), view, CliJsonContext.Default.TrainingView, WriteText);
            return SurgeCli.Ok;
        });
        return command;
    }

    private static TrainingView Train(string historyPath, string output, int threshold, int seed)
    {
        var history = Rows(WorkloadReader.Read(historyPath));
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
        return new TrainingView(history.Count, training.Length, heldOut.Length, trainMs, output,
            Score(ModelEvaluation.Of(r => model.Predict(r.Type, r.Features), heldOut, threshold)),
            Score(ModelEvaluation.Of(r => baseline.Predict(r.Type, r.Features), heldOut, threshold)));
    }

    internal static IReadOnlyList<HistoryRow> Rows(IReadOnlyList<WorkloadTask> tasks)
        => tasks.Select(t => new HistoryRow(t.Type, Features(t), t.DurationMs, t.MemoryMb)).ToList();

    internal static Feature[] Features(WorkloadTask task)
        => task.Features.Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray();

    private static ScoreView Score(ModelEvaluation e) => new(e.ShortLongAccuracy, e.OffBy2x, e.MemoryMedianRelError, e.RoutingAccuracy, e.LongAsShort);

    private static void WriteText(TextWriter w, TrainingView v)
    {
        w.WriteLine($"trained on {v.TrainedOn} rows in {v.TrainMs} ms, evaluated on {v.HeldOut} held-out rows; wrote {v.Out}");
        w.WriteLine($"{"",-32} {"model",9} {"baseline",9}");
        Line(w, "short/long accuracy", v.Model.ShortLongAccuracy, v.Baseline.ShortLongAccuracy);
        Line(w, "duration off by 2x or more", v.Model.OffBy2x, v.Baseline.OffBy2x);
        Line(w, "memory median relative error", v.Model.MemoryMedianRelError, v.Baseline.MemoryMedianRelError);
        Line(w, "routing accuracy (risk margin)", v.Model.RoutingAccuracy, v.Baseline.RoutingAccuracy);
        Line(w, "long tasks routed short", v.Model.LongAsShort, v.Baseline.LongAsShort);
    }

    private static void Line(TextWriter w, string name, double model, double baseline)
        => w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} {model,9:0.0000} {baseline,9:0.0000}"));
}
