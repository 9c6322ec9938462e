namespace Surge.Prediction;

/// <summary>One named feature of a task, as a predictor reads it: text (a category) or a number.</summary>
public readonly record struct Feature(string Name, string? Text, double Number)
{
    public bool IsNumber => Text is null;
}
