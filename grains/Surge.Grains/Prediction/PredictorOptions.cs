using Microsoft.Extensions.Options;

namespace Surge.Prediction;

/// <summary>Where the silo's predictor starts from (<c>Surge:Predictor</c>).</summary>
public sealed class PredictorOptions
{
    public const string Section = "Surge:Predictor";

    /// <summary>
    /// A model file written by <c>surge train</c>, loaded at start so a fresh deployment routes well from its first
    /// task. Default none: the per-type baseline learns from scratch.
    /// </summary>
    public string? ModelPath { get; set; }
}

internal sealed class PredictorOptionsValidator : IValidateOptions<PredictorOptions>
{
    public ValidateOptionsResult Validate(string? name, PredictorOptions options)
        => string.IsNullOrEmpty(options.ModelPath) || File.Exists(options.ModelPath)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PredictorOptions.Section}:ModelPath is '{options.ModelPath}', which does not exist; train one with 'surge train --history H.jsonl --out model.zip' or leave it unset.");
}
