namespace Surge;

/// <summary>
/// A task feature a predictor may read: either text (a category such as a data source) or a number.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct FeatureValue
{
    /// <summary>The category, for a text feature; null for a number.</summary>
    [Id(0)] public string? Text { get; init; }

    /// <summary>The value, for a numeric feature (0 for a text one).</summary>
    [Id(1)] public double Number { get; init; }

    /// <summary>True for a numeric feature: one without <see cref="Text"/>.</summary>
    public bool IsNumber => Text is null;

    /// <summary>A text feature (a category such as a customer or a data source).</summary>
    public static FeatureValue Of(string text) => new() { Text = text ?? throw new ArgumentNullException(nameof(text)) };

    /// <summary>A numeric feature (a size, a count).</summary>
    public static FeatureValue Of(double number) => new() { Number = number };

    /// <summary>Lets a feature dictionary be written with plain strings: <c>["customer"] = "c042"</c>.</summary>
    public static implicit operator FeatureValue(string text) => Of(text);

    /// <summary>Lets a feature dictionary be written with plain numbers: <c>["pixels"] = 12_000_000</c>.</summary>
    public static implicit operator FeatureValue(double number) => Of(number);

    /// <summary>The text, or the number in the invariant culture: how the CLI and the status page show it.</summary>
    public override string ToString() => Text ?? Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
