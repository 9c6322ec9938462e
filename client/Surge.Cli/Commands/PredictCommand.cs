using System.Text.Json;
using Surge.Prediction;
using Surge.Prediction.Models;

namespace Surge.Cli.Commands;

/// <summary><c>surge predict</c>: one task's prediction from a model file.</summary>
internal static class PredictCommand
{
    public static int Run(CliArgs args, TextWriter stdout)
    {
        args.RejectUnknown("model", "type", "feature");
        var model = SurgeModel.Load(args.Require("model", "name a model file written by 'surge train'"));
        var spec = SubmitCommand.BuildSpec(args);
        var features = spec.Features.Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray();
        var p = model.Predict(spec.Type, features);
        stdout.WriteLine(JsonSerializer.Serialize(new
        {
            model = p.ModelVersion,
            type = spec.Type,
            known_type = p.Confident,
            duration_ms = Math.Round(p.DurationMs, 2),
            duration_upper_ms = Math.Round(p.UpperDurationMs, 2),
            memory_mb = Math.Round(p.MemoryMb, 2),
        }));
        return SurgeCli.Ok;
    }
}
