namespace Surge;

/// <summary>
/// The cluster's durable store (Redis in cluster mode) could not record the call, so nothing was acknowledged.
/// Transient: retrying the same submission is safe, and the Surge client does so before giving up.
/// </summary>
[GenerateSerializer]
public sealed class SurgeStoreUnavailableException : Exception
{
    /// <summary>Raised by the silo with the store's own reason, so the caller sees why nothing was recorded.</summary>
    public SurgeStoreUnavailableException(string message) : base(message)
    {
    }
}
