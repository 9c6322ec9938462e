namespace Surge;

/// <summary>
/// A submission was refused before anything reached a pool. <see cref="Field"/> names the offending field;
/// the message says how to fix it. Not retryable: the same input fails the same way.
/// </summary>
[GenerateSerializer]
public sealed class SurgeValidationException : Exception
{
    /// <summary>A refusal of <paramref name="field"/>; the message is prefixed with the field's name.</summary>
    public SurgeValidationException(string field, string message) : base($"{field}: {message}") => Field = field;

    /// <summary>The offending field as the caller spells it (<c>id</c>, <c>payload</c>, <c>features.pixels</c>, …), for an API to map to its own input.</summary>
    [Id(0)] public string Field { get; private set; }
}
