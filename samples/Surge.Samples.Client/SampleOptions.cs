namespace Surge.Samples.Client;

/// <summary>What to send (<c>Sample:*</c>, or the switches below).</summary>
internal sealed class SampleOptions
{
    public const string Section = "Sample";

    /// <summary>Short command-line switches for the settings the sample is run with most.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--gateway"] = "Surge:Client:Gateways:0",
        ["--count"] = $"{Section}:Count",
        ["--size"] = $"{Section}:Size",
        ["--max-side"] = $"{Section}:MaxSide",
    };

    /// <summary>Images to resize, all at once.</summary>
    public int Count { get; set; } = 1;

    /// <summary>Width and height of each generated image.</summary>
    public int Size { get; set; } = 256;

    /// <summary>The thumbnail's longer side.</summary>
    public int MaxSide { get; set; } = 64;

    public int TimeoutSeconds { get; set; } = 60;
}
