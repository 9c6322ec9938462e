namespace Surge;

/// <summary>
/// A task feature a predictor may read: either text (a category such as a data source) or a number.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct FeatureValue
{
    [Id(0)] public string? Text { get; init; }
    [Id(1)] public double Number { get; init; }

    public bool IsNumber => Text is null;

    public static FeatureValue Of(string text) => new() { Text = text ?? throw new ArgumentNullException(nameof(text)) };
    public static FeatureValue Of(double number) => new() { Number = number };

    public static implicit operator FeatureValue(string text) => Of(text);
    public static implicit operator FeatureValue(double number) => Of(number);

    public override string ToString() => Text ?? Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
