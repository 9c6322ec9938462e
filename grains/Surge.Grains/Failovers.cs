namespace Surge;

/// <summary>
/// Faults of a call to another grain that say its silo died or the call was given up, not that anything refused it:
/// the grain serves again on a survivor once membership says so. Passed on as they are, so the client rides them out
/// as a failover; anything else from a grain a call depends on is the store's refusal, which the client retries a few times.
/// </summary>
internal static class Failovers
{
    public static bool Is(Exception e) => e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException or OperationCanceledException;
}
