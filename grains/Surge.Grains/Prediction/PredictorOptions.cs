using Microsoft.Extensions.Options;

namespace Surge.Prediction;

/// <summary>Where the silo's predictor starts from (<c>Surge:Predictor</c>).</summary>
public sealed class PredictorOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Predictor";

    /// <summary>
    /// The routing threshold challengers are scored at: not configured here, the composition root copies
    /// <c>Surge:Routing:ShortThresholdMs</c>, so prediction need not know routing.
    /// </summary>
    internal double ScoringThresholdMs { get; set; } = 50;

    /// <summary>
    /// A model file written by <c>surge train</c>, loaded at start so a fresh deployment routes well from its first
    /// task. Default none: the per-type baseline learns from scratch.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>How often the trainer retrains on the cluster's history; zero turns retraining off. Default 5 min; 0 or 10 s to 1 day.</summary>
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows of history needed before a retraining is tried. Default 2,000; 250 to 10,000,000.</summary>
    public int MinTrainingRows { get; set; } = 2_000;

    /// <summary>Finished executions each silo keeps for training, newest first. Default 200,000; 1,000 to 10,000,000.</summary>
    public int HistoryCapacity { get; set; } = 200_000;
}

internal sealed class PredictorOptionsValidator : IValidateOptions<PredictorOptions>
{
    public ValidateOptionsResult Validate(string? name, PredictorOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.ModelPath) && !File.Exists(options.ModelPath))
            failures.Add($"{PredictorOptions.Section}:ModelPath is '{options.ModelPath}', which does not exist; train one with 'surge train --history H.jsonl --out model.zip' or leave it unset.");
        if (options.RetrainInterval != TimeSpan.Zero && (options.RetrainInterval < TimeSpan.FromSeconds(10) || options.RetrainInterval > TimeSpan.FromDays(1)))
            failures.Add($"{PredictorOptions.Section}:RetrainInterval is {options.RetrainInterval}; set 00:00:00 (off) or 00:00:10 to 1.00:00:00 (default 00:05:00).");
        if (options.MinTrainingRows is < 250 or > 10_000_000)
            failures.Add($"{PredictorOptions.Section}:MinTrainingRows is {options.MinTrainingRows}; set 250 to 10000000 (default 2000).");
        if (options.HistoryCapacity is < 1_000 or > 10_000_000)
            failures.Add($"{PredictorOptions.Section}:HistoryCapacity is {options.HistoryCapacity}; set 1000 to 10000000 (default 200000).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
