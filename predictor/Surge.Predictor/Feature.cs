namespace Surge.Prediction;

/// <summary>One named feature of a task, as a predictor reads it: text (a category) or a number.</summary>
public readonly record struct Feature(string Name, string? Text, double Number)
{
    /// <summary>True for a numeric feature; a text feature carries its value in <see cref="Text"/> instead.</summary>
    public bool IsNumber => Text is null;
}
