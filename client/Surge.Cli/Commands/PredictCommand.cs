using System.CommandLine;
using System.Globalization;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;
using Surge.Prediction;
using Surge.Prediction.Models;

namespace Surge.Cli.Commands;

/// <summary><c>surge predict</c>: one task's prediction from a model file.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.Required("--model", "MODEL.zip", "a model file written by 'surge train'");
        var type = SpecOptions.TypeOption();
        var feature = SpecOptions.FeatureOption();
        var output = CliOptions.Output();
        var command = new Command("predict", "one task's predicted duration and memory from a model file") { model, type, feature, output };
        command.SetAction(result =>
        {
            var loaded = SurgeModel.Load(result.GetRequiredValue(model));
            var taskType = result.GetRequiredValue(type);
            var features = SpecOptions.Features(result.GetValue(feature) ?? []).Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray();
            var p = loaded.Predict(taskType, features);
            var view = new PredictionView(p.ModelVersion, taskType, p.Confident,
                Math.Round(p.DurationMs, 2), Math.Round(p.UpperDurationMs, 2), Math.Round(p.MemoryMb, 2));
            CliOutput.Write(context.Stdout, result.GetFormat(output), view, CliJsonContext.Default.PredictionView, WriteText);
            return SurgeCli.Ok;
        });
        return command;
    }

    private static void WriteText(TextWriter w, PredictionView p)
    {
        w.WriteLine($"model:     {p.Model}");
        w.WriteLine($"type:      {p.Type}{(p.KnownType ? "" : " (not in the model's history: routing plays safe)")}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"duration:  {p.DurationMs} ms (upper {p.DurationUpperMs} ms)"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory:    {p.MemoryMb} MB"));
    }
}
