using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Polly;

namespace Surge.Client;

/// <summary>
/// <see cref="ISurgeClient"/> over an Orleans cluster client. Every call is safe to retry: a submit is
/// idempotent by task id, the rest only read or set absolute values.
/// </summary>
internal sealed class SurgeClient(IClusterClient cluster, IOptions<SurgeClientOptions> options, TimeProvider time) : ISurgeClient
{
    private readonly ResiliencePipeline _retry = TransientFaults.CreatePipeline(options.Value, time);
    private readonly TimeSpan _waitSlice = options.Value.WaitSlice;

    public async Task<TaskStatus> SubmitAsync(TaskSpec spec, CancellationToken cancellationToken = default)
    {
        TaskValidator.Validate(spec); // fail at the edge, before a network hop
        return await CallAsync(static (c, s) => c.Shard(s.Id).SubmitAsync(s), spec, cancellationToken);
    }

    public async Task<TaskStatus> RunAsync(TaskSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        TaskValidator.Validate(spec);
        var deadline = Deadline(timeout);
        var status = await CallAsync(static (c, s) => c.Shard(s.spec.Id).SubmitAndWaitAsync(s.spec, s.slice), (spec, slice: Slice(deadline)), cancellationToken);
        return status.IsFinal ? status : await WaitUntilAsync(spec.Id, deadline, timeout, cancellationToken);
    }

    public Task<TaskStatus> WaitAsync(string taskId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return WaitUntilAsync(taskId, Deadline(timeout), timeout, cancellationToken);
    }

    public Task<TaskStatus?> GetStatusAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return CallAsync(static (c, id) => c.Shard(id).GetStatusAsync(id), taskId, cancellationToken);
    }

    public async Task<SiloInfo[]> GetSilosAsync(CancellationToken cancellationToken = default)
        => await Task.WhenAll((await ActiveSilosAsync(cancellationToken)).Select(silo =>
            CallAsync(static (c, key) => c.GetGrain<IWorkerSiloGrain>(key).GetInfoAsync(), silo, cancellationToken)));

    public async Task<PoolStats[]> GetPoolsAsync(CancellationToken cancellationToken = default)
    {
        var pools = await Task.WhenAll((await ActiveSilosAsync(cancellationToken)).Select(silo =>
            CallAsync(static (c, key) => c.GetGrain<IWorkerSiloGrain>(key).GetPoolsAsync(), silo, cancellationToken)));
        return [.. pools.SelectMany(p => p)];
    }

    private async Task<string[]> ActiveSilosAsync(CancellationToken cancellationToken)
    {
        var hosts = await CallAsync(static (c, _) => c.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true), 0, cancellationToken);
        return [.. hosts.Keys.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal)];
    }

    public Task<AutoscaleDecision[]> GetAutoscaleHistoryAsync(int max = 100, CancellationToken cancellationToken = default)
        => CallAsync(static (c, m) => c.GetGrain<IAutoscaleGrain>(0).GetHistoryAsync(m), max, cancellationToken);

    public Task<int> SetConcurrencyAsync(string silo, string pool, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(pool);
        return CallAsync(static (c, s) => c.GetGrain<IWorkerSiloGrain>(s.silo).SetConcurrencyAsync(s.pool, s.limit), (silo, pool, limit), cancellationToken);
    }

    private async Task<TaskStatus> WaitUntilAsync(string taskId, long deadline, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await CallAsync(static (c, s) => c.Shard(s.taskId).WaitAsync(s.taskId, s.slice), (taskId, slice: Slice(deadline)), cancellationToken)
                         ?? throw new KeyNotFoundException($"no task has id '{taskId}'");
            if (status.IsFinal) return status;
            if (deadline != long.MaxValue && time.GetTimestamp() >= deadline)
                throw new TimeoutException($"task '{taskId}' is still {status.State} after {timeout}");
        }
    }

    private long Deadline(TimeSpan? timeout)
        => timeout is { } t ? time.GetTimestamp() + (long)(t.TotalSeconds * time.TimestampFrequency) : long.MaxValue;

    // One wait call lasts at most a slice, so it stays under the messaging timeout; a deadline may shorten it.
    private TimeSpan Slice(long deadline)
    {
        if (deadline == long.MaxValue) return _waitSlice;
        var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
        return remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining < _waitSlice ? remaining : _waitSlice;
    }

    private async Task<T> CallAsync<TState, T>(Func<IClusterClient, TState, Task<T>> call, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(static async (s, _) => await s.call(s.cluster, s.state), (call, cluster, state), cancellationToken);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            throw new SurgeUnavailableException($"Surge cluster unavailable after {options.Value.MaxRetries} retries: {e.Message}. Safe to retry.", e);
        }
    }
}
