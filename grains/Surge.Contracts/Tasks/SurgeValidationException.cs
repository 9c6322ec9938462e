namespace Surge;

/// <summary>
/// A submission was refused before anything reached a pool. <see cref="Field"/> names the offending field;
/// the message says how to fix it. Not retryable: the same input fails the same way.
/// </summary>
[GenerateSerializer]
public sealed class SurgeValidationException : Exception
{
    public SurgeValidationException(string field, string message) : base($"{field}: {message}") => Field = field;

    [Id(0)] public string Field { get; private set; }
}
