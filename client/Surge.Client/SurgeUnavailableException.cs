namespace Surge.Client;

/// <summary>The cluster could not take the call after the client's retries. Transient: retrying later is safe.</summary>
public sealed class SurgeUnavailableException(string message, Exception inner) : Exception(message, inner);
