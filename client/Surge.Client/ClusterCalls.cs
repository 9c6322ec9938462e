using Microsoft.Extensions.Options;
using Polly;

namespace Surge.Client;

/// <summary>
/// Calls into the cluster with Surge's retry of transient faults (a failover, a store away), turning what outlasts
/// the retries into <see cref="SurgeUnavailableException"/>. Shared by the task and the flow clients.
/// </summary>
internal sealed class ClusterCalls(IClusterClient cluster, IOptions<SurgeClientOptions> options, TimeProvider time)
{
    private readonly ResiliencePipeline _retry = TransientFaults.CreatePipeline(options.Value, time);

    public async Task<T> CallAsync<TState, T>(Func<IClusterClient, TState, Task<T>> call, TState state, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        TransientFaults.MarkStart(context, time);
        try
        {
            return await _retry.ExecuteAsync(static async (_, s) => await s.call(s.cluster, s.state), context, (call, cluster, state));
        }
        catch (Exception e) when (TransientFaults.StoreRefusal(e) is { } refusal)
        {
            throw new SurgeUnavailableException($"Surge cluster unavailable after {options.Value.MaxRetries} retries: {refusal.Message}. Safe to retry.", refusal);
        }
        catch (Exception e) when (TransientFaults.IsFailover(e, cancellationToken))
        {
            throw new SurgeUnavailableException($"Surge cluster unavailable for {options.Value.FailoverTimeout.TotalSeconds:F0} s (Surge:Client:FailoverTimeout): {e.Message}. Safe to retry.", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
