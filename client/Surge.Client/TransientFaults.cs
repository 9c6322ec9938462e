using Orleans.Runtime;
using Polly;
using Polly.Retry;

namespace Surge.Client;

/// <summary>Which failures are worth another try, and how the client retries them.</summary>
internal static class TransientFaults
{
    public static bool IsTransient(Exception e) => e is TimeoutException
        or SiloUnavailableException
        or OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException
        or GatewayTooBusyException
        or SurgeStoreUnavailableException;

    public static ResiliencePipeline CreatePipeline(SurgeClientOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            });
        }
        return builder.Build();
    }
}
