using Orleans.Runtime;
using Polly;
using Polly.Retry;

namespace Surge.Client;

/// <summary>
/// Which failures are worth another try, and how the client retries them. Two kinds, two answers:
/// <list type="bullet">
/// <item>The store refused (<see cref="SurgeStoreUnavailableException"/>: Redis is away). Nothing was accepted; a few
/// quick retries (<see cref="SurgeClientOptions.MaxRetries"/>), then the caller hears of it at once.</item>
/// <item>A silo, gateway or connection failed, or a call timed out: a silo died and its shards are moving to the
/// survivors, which takes until membership declares it dead. Ridden out with capped backoff until
/// <see cref="SurgeClientOptions.FailoverTimeout"/>.</item>
/// </list>
/// </summary>
internal static class TransientFaults
{
    /// <summary>Longest pause between two tries while a failover is ridden out.</summary>
    public static readonly TimeSpan FailoverMaxDelay = TimeSpan.FromSeconds(1);

    private static readonly ResiliencePropertyKey<long> Started = new("surge.call-started");

    public static bool IsStoreUnavailable(Exception e) => StoreRefusal(e) is not null;

    /// <summary>
    /// The store's refusal in <paramref name="e"/>: itself, or the one Orleans wraps in an <c>OrleansException</c> when a
    /// grain's state cannot be read as it activates.
    /// </summary>
    public static SurgeStoreUnavailableException? StoreRefusal(Exception e)
        => e as SurgeStoreUnavailableException ?? (e is OrleansException ? e.InnerException as SurgeStoreUnavailableException : null);

    public static bool IsFailover(Exception e) => e is TimeoutException
        or SiloUnavailableException
        or OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException
        or GatewayTooBusyException;

    /// <summary>Either kind, for a caller that leaves one answer out rather than retrying it.</summary>
    public static bool IsTransient(Exception e, CancellationToken caller) => IsStoreUnavailable(e) || IsFailover(e, caller);

    /// <summary>
    /// A failover fault, or a call cancelled though its caller did not cancel it: the runtime gives up calls that were
    /// in flight to a silo that died (seen in bench chaos 1.4 s after a kill -9).
    /// </summary>
    public static bool IsFailover(Exception e, CancellationToken caller)
        => IsFailover(e) || (e is OperationCanceledException && !caller.IsCancellationRequested);

    /// <summary>Marks the start of one logical call, from which its failover budget is counted.</summary>
    public static void MarkStart(ResilienceContext context, TimeProvider time) => context.Properties.Set(Started, time.GetTimestamp());

    public static ResiliencePipeline CreatePipeline(SurgeClientOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        // Outer: a failover, bounded by time rather than by a count (how long a shard takes to move does not depend on
        // how often we ask). Store refusals pass through it untouched.
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay < FailoverMaxDelay ? options.RetryDelay : FailoverMaxDelay,
            MaxDelay = FailoverMaxDelay,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsFailover(e, args.Context.CancellationToken)
                && args.Context.Properties.TryGetValue(Started, out var started)
                && time.GetElapsedTime(started) < options.FailoverTimeout),
        });
        // Inner: the store refused; a few quick tries, then the caller is told.
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsStoreUnavailable),
            });
        }
        return builder.Build();
    }
}
