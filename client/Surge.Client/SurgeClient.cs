using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Polly;
using Surge.Telemetry;

namespace Surge.Client;

/// <summary>
/// <see cref="ISurgeClient"/> over an Orleans cluster client. Every call is safe to retry: a submit is
/// idempotent by task id, the rest only read or set absolute values.
/// </summary>
internal sealed class SurgeClient(IClusterClient cluster, IOptions<SurgeClientOptions> options, TimeProvider time) : ISurgeClient
{
    private readonly ClusterCalls _calls = new(cluster, options, time);
    private readonly TimeSpan _waitSlice = options.Value.WaitSlice;
    private readonly TimeSpan _failoverTimeout = options.Value.FailoverTimeout;
    private static readonly TimeSpan PerSiloTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan UnavailablePause = TimeSpan.FromSeconds(1);

    public async Task<TaskStatus> SubmitAsync(TaskSpec spec, CancellationToken cancellationToken = default)
    {
        TaskValidator.Validate(spec); // fail at the edge, before a network hop
        using var span = ClientSpans.Start(SurgeTracing.SubmitSpan, spec);
        try
        {
            return ClientSpans.Ended(span, await CallAsync(static (c, s) => c.Shard(s.Id).SubmitAsync(s), ClientSpans.Stamp(spec, span), cancellationToken));
        }
        catch (Exception e)
        {
            SurgeTracing.Fail(span, e);
            throw;
        }
    }

    public async Task<TaskStatus> RunAsync(TaskSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        TaskValidator.Validate(spec);
        using var span = ClientSpans.Start(SurgeTracing.RunSpan, spec);
        try
        {
            spec = ClientSpans.Stamp(spec, span);
            var deadline = Deadline(timeout);
            var status = await CallAsync(static (c, s) => c.Shard(s.spec.Id).SubmitAndWaitAsync(s.spec, s.slice), (spec, slice: Slice(deadline)), cancellationToken);
            return ClientSpans.Ended(span, status.IsFinal ? status : await WaitUntilAsync(spec.Id, deadline, timeout, cancellationToken));
        }
        catch (Exception e)
        {
            SurgeTracing.Fail(span, e);
            throw;
        }
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

    public Task<SiloInfo[]> GetSilosAsync(CancellationToken cancellationToken = default)
        => EachSiloAsync(static silo => silo.GetInfoAsync(), cancellationToken);

    public async Task<PoolStats[]> GetPoolsAsync(CancellationToken cancellationToken = default)
        => [.. (await EachSiloAsync(static silo => silo.GetPoolsAsync(), cancellationToken)).SelectMany(p => p)];

    // Asks every active silo at once. A silo that is dying or still joining does not answer within a few seconds; the
    // others' answers are still worth showing, so it is left out rather than failing the whole call.
    private async Task<T[]> EachSiloAsync<T>(Func<IWorkerSiloGrain, Task<T>> ask, CancellationToken cancellationToken)
    {
        var silos = await ActiveSilosAsync(cancellationToken);
        var answers = await Task.WhenAll(silos.Select(async key =>
        {
            try
            {
                return (Ok: true, Value: await ask(cluster.GetGrain<IWorkerSiloGrain>(key)).WaitAsync(PerSiloTimeout, time, cancellationToken));
            }
            // A call in flight to a silo that died is given up by the runtime as cancelled: left out too. (Uncaught, it
            // ended a `surge replay` that had finished all its tasks with "cancelled": the mode it asked for its report
            // was asked as a silo was killed.)
            catch (Exception e) when (TransientFaults.IsTransient(e, cancellationToken))
            {
                return (Ok: false, Value: default(T)!);
            }
        }));
        return answers.Any(a => a.Ok) ? [.. answers.Where(a => a.Ok).Select(a => a.Value)]
            : throw new SurgeUnavailableException($"none of the {silos.Length} active silos answered within {PerSiloTimeout.TotalSeconds:F0} s. Safe to retry.", new TimeoutException());
    }

    private async Task<string[]> ActiveSilosAsync(CancellationToken cancellationToken)
    {
        var hosts = await CallAsync(static (c, _) => c.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true), 0, cancellationToken);
        return [.. hosts.Keys.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal)];
    }

    public async Task<TaskStatus[]> GetHeldAsync(int max = 50, CancellationToken cancellationToken = default)
    {
        var held = await EachShardAsync(shard => shard.GetHeldAsync(max), cancellationToken);
        return [.. held.SelectMany(h => h).OrderBy(h => h.SubmittedAt).Take(max)];
    }

    public Task<TaskStatus?> CancelAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return CallAsync(static (c, id) => c.Shard(id).CancelAsync(id), taskId, cancellationToken);
    }

    public async Task<TaskStatus[]> GetDeadLettersAsync(int max = 50, CancellationToken cancellationToken = default)
    {
        var dead = await EachShardAsync(shard => shard.GetDeadLettersAsync(max), cancellationToken);
        return [.. dead.SelectMany(d => d).OrderByDescending(d => d.FinishedAt).Take(max)];
    }

    // The dead letter is read first, and the retry names it by its attempts: the call below is repeated on a timeout or
    // failover, whose first try may have been stored, and asked again the shard then retries nothing more. Without it,
    // one call ran a dead letter twice (bench chaos), or said "not dead-lettered" of the retry it had just made.
    public async Task<TaskStatus?> RetryDeadLetterAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        if (await GetStatusAsync(taskId, cancellationToken) is not { } status) return null;
        if (!status.DeadLettered) return await CallAsync(static (c, id) => c.Shard(id).RetryDeadLetterAsync(id), taskId, cancellationToken); // the shard says why not
        return await CallAsync(static (c, s) => c.Shard(s.Id).RetryDeadLetterAsync(s.Id, s.Attempts), (Id: taskId, status.Attempts), cancellationToken);
    }

    public async Task<int> PurgeDeadLettersAsync(string? taskId = null, CancellationToken cancellationToken = default)
    {
        if (taskId is not null)
            return await CallAsync(static (c, id) => c.Shard(id).PurgeDeadLettersAsync(id), taskId, cancellationToken);
        return (await EachShardAsync(shard => shard.PurgeDeadLettersAsync(null), cancellationToken)).Sum();
    }

    // Views over every task (held events, dead letters) ask all shards at once, each call with the usual retries.
    private Task<T[]> EachShardAsync<T>(Func<ITaskShardGrain, Task<T>> ask, CancellationToken cancellationToken)
        => Task.WhenAll(Enumerable.Range(0, TaskShards.Count).Select(shard =>
            CallAsync(static (c, s) => s.ask(ShardReferences<ITaskShardGrain>.Get(c, s.shard)), (ask, shard), cancellationToken)));

    public Task<ScheduleStatus> ScheduleAsync(ScheduleSpec schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        TaskValidator.Validate(schedule, time.GetUtcNow()); // name, type and payload fail here, before a network hop
        return CallAsync(static (c, s) => c.GetGrain<IScheduleGrain>(s.Name).SetAsync(s), schedule, cancellationToken);
    }

    public Task<bool> UnscheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(static (c, n) => c.GetGrain<IScheduleGrain>(n).RemoveAsync(), name, cancellationToken);
    }

    public async Task<ScheduleStatus[]> GetSchedulesAsync(CancellationToken cancellationToken = default)
    {
        var names = await CallAsync(static (c, _) => c.GetGrain<IScheduleIndexGrain>(0).GetNamesAsync(), 0, cancellationToken);
        var schedules = await Task.WhenAll(names.Select(n => CallAsync(static (c, n) => c.GetGrain<IScheduleGrain>(n).GetAsync(), n, cancellationToken)));
        return [.. schedules.OfType<ScheduleStatus>()];
    }

    public Task<AutoscaleDecision[]> GetAutoscaleHistoryAsync(int max = 100, CancellationToken cancellationToken = default)
        => CallAsync(static (c, m) => c.GetGrain<IAutoscaleGrain>(0).GetHistoryAsync(m), max, cancellationToken);

    public Task<MemoryRecommendation[]> GetMemoryRecommendationsAsync(CancellationToken cancellationToken = default)
        => CallAsync(static (c, _) => c.GetGrain<IAutoscaleGrain>(0).GetMemoryRecommendationsAsync(), 0, cancellationToken);

    public Task<int> SetConcurrencyAsync(string silo, PoolKind pool, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        if (!Enum.IsDefined(pool)) throw new ArgumentOutOfRangeException(nameof(pool), pool, "set short, long or single");
        // The grain is placed on the silo its key names: a key that is no silo address failed in placement, on the silo,
        // as an error in its log and a FormatException here.
        try
        {
            SiloAddress.FromParsableString(silo);
        }
        catch (FormatException)
        {
            throw new SurgeValidationException("silo", $"'{silo}' is not a silo address such as 10.0.0.5:11111@123456789; GetPoolsAsync (surge status) lists them");
        }
        return CallAsync(static (c, s) => c.GetGrain<IWorkerSiloGrain>(s.silo).SetConcurrencyAsync(s.pool, s.limit), (silo, pool, limit), cancellationToken);
    }

    // A wait rides out a failover as every call does: each of its calls keeps trying while a silo, gateway or
    // connection fails, and a silo restart or a shard on the move is over long before FailoverTimeout. When a call
    // got no answer for all that time, no silo is there to answer (every one was killed, or the cluster is cut off),
    // and the wait ends saying so rather than asking again without end, whatever its own timeout: that bounds the
    // wait for the task, not for a cluster that is gone. A store refusal is an answer (a silo took the call; Redis
    // was away), so the wait goes on through it until its deadline.
    // An unfinished answer that came early (a drained silo's shard answers at once until it moves) is asked again
    // after a short, growing pause (WaitPacing), not at once: otherwise the loop calls as fast as the shard answers.
    private async Task<TaskStatus> WaitUntilAsync(string taskId, long deadline, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.Zero;
        while (true)
        {
            TaskStatus? status;
            var slice = Slice(deadline);
            var asked = time.GetTimestamp();
            try
            {
                status = await CallAsync(static (c, s) => c.Shard(s.taskId).WaitAsync(s.taskId, s.slice), (taskId, slice), cancellationToken);
            }
            catch (SurgeUnavailableException e) when (e.InnerException is SurgeStoreUnavailableException && (deadline == long.MaxValue || time.GetTimestamp() < deadline))
            {
                await Task.Delay(Slice(deadline) < UnavailablePause ? Slice(deadline) : UnavailablePause, time, cancellationToken);
                continue;
            }
            catch (SurgeUnavailableException e) when (e.InnerException is not SurgeStoreUnavailableException)
            {
                throw new SurgeUnavailableException($"stopped waiting for task '{taskId}': no silo answered for {_failoverTimeout.TotalSeconds:F0} s "
                    + $"(Surge:Client:FailoverTimeout; raise it to wait through longer outages). The task is not affected: wait for it again once "
                    + $"the cluster is back. Last error: {e.InnerException?.Message}", e.InnerException ?? e);
            }
            if (status is null) throw new KeyNotFoundException($"no task has id '{taskId}'");
            if (status.IsFinal) return status;
            if (deadline != long.MaxValue && time.GetTimestamp() >= deadline)
                throw new TimeoutException($"task '{taskId}' is still {status.State} after {timeout}");
            pause = WaitPacing.Next(slice, time.GetElapsedTime(asked), pause);
            if (pause > TimeSpan.Zero) await Task.Delay(Min(pause, Slice(deadline)), time, cancellationToken);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // The deadline on the timestamp clock; long.MaxValue: none. Timeout.InfiniteTimeSpan is none, as everywhere in .NET,
    // and so is a timeout past the clock's range (TimeSpan.MaxValue), which added to now overflowed into the past and
    // ended the wait after its first slice. Any other negative timeout is a caller's mistake, named.
    private long Deadline(TimeSpan? timeout)
    {
        if (timeout is not { } t || t == Timeout.InfiniteTimeSpan) return long.MaxValue;
        if (t < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t,
                "a timeout must not be negative; give zero or more, or null (or Timeout.InfiniteTimeSpan) to wait until the task is final");
        }
        var now = time.GetTimestamp();
        var ticks = t.TotalSeconds * time.TimestampFrequency;
        return ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    // One wait call lasts at most a slice, so it stays under the messaging timeout; a deadline may shorten it.
    private TimeSpan Slice(long deadline)
    {
        if (deadline == long.MaxValue) return _waitSlice;
        var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
        return remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining < _waitSlice ? remaining : _waitSlice;
    }

    // Every call is retried as its fault deserves (see TransientFaults): a store refusal a few times, a failover until
    // FailoverTimeout. Either way, what is left is SurgeUnavailableException, safe to retry.
    private Task<T> CallAsync<TState, T>(Func<IClusterClient, TState, Task<T>> call, TState state, CancellationToken cancellationToken)
        => _calls.CallAsync(call, state, cancellationToken);
}
