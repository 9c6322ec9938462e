using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StackExchange.Redis;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Faults;

internal enum StoreFault
{
    /// <summary>Every call goes to the inner store.</summary>
    Healthy,

    /// <summary>Every call throws at once, as a store that refuses connections.</summary>
    Fail,

    /// <summary>Every call waits until <see cref="FaultyTaskStore.Heal"/>, then goes to the inner store: a slow store.</summary>
    Stall,

    /// <summary>Every call waits until <see cref="FaultyTaskStore.Heal"/>, then throws as a timed-out Redis command: a cut link.</summary>
    Cut,
}

/// <summary>
/// A task store a test can fail, stall or cut, around an in-memory one that every silo of a TestingHost cluster shares
/// (as they would share Redis). Install it with <see cref="Install"/> and <see cref="SiloConfigurator"/>.
/// </summary>
internal sealed class FaultyTaskStore : ITaskStore, IDisposable
{
    /// <summary>The setting, among the cluster's properties, that names a silo's store in <see cref="Registry"/>.</summary>
    public const string Setting = "Surge:Tests:FaultyTaskStore";

    private static readonly ConcurrentDictionary<string, FaultyTaskStore> Registry = new();

    private readonly ITaskStore _inner = new InMemoryTaskStore();
    private readonly string _name;
    private readonly Lock _gate = new();
    private TaskCompletionSource _healed = NewGate();
    private int _waiting;
    private int? _stalledShard;

    private FaultyTaskStore(string name) => _name = name;

    public StoreFault Fault { get; private set; } = StoreFault.Healthy;

    /// <summary>Calls now waiting in <see cref="StoreFault.Stall"/> or <see cref="StoreFault.Cut"/>.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Calls that reached this store, by operation: "claim", "save", "remove", "load".</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>A new store for one cluster, named in <paramref name="settings"/> for <see cref="SiloConfigurator"/>.</summary>
    public static FaultyTaskStore Install(IDictionary<string, string> settings)
    {
        var store = new FaultyTaskStore(Guid.NewGuid().ToString("N"));
        Registry[store._name] = store;
        settings[Setting] = store._name;
        return store;
    }

    /// <summary>Saves of one shard's records wait until <see cref="Heal"/>; every other call goes through: one slow shard.</summary>
    public void StallShard(int shard)
    {
        lock (_gate) _stalledShard = shard;
    }

    public void Fail() => Set(StoreFault.Fail);
    public void Stall() => Set(StoreFault.Stall);
    public void Cut() => Set(StoreFault.Cut);

    /// <summary>Healthy again: stalled calls go through, cut ones throw (their command timed out meanwhile).</summary>
    public void Heal() => Set(StoreFault.Healthy);

    public Task WaitUntilWaitingAsync(int calls, TimeSpan limit)
        => Eventually.ValueAsync(() => Task.FromResult(Waiting), waiting => waiting >= calls, $"{calls} store call(s) waiting", limit);

    public async ValueTask<ShardClaim> ClaimAsync(int shard)
    {
        await EnterAsync("claim");
        return await _inner.ClaimAsync(shard);
    }

    public async ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<TaskRecord> records)
    {
        await EnterAsync("save", claim.Shard);
        await _inner.SaveAsync(claim, records);
        if (Interlocked.CompareExchange(ref _loseAnswerOf, -1, claim.Shard) == claim.Shard)
            throw new RedisTimeoutException("Timeout awaiting response (save): stored, its answer lost (test fault)", CommandStatus.Sent);
    }

    private int _loseAnswerOf = -1;

    /// <summary>The next save of <paramref name="shard"/> is stored, then throws as a command whose answer was lost.</summary>
    public void LoseNextSaveAnswer(int shard) => Volatile.Write(ref _loseAnswerOf, shard);

    public async ValueTask RemoveAsync(ShardClaim claim, IReadOnlyCollection<string> taskIds)
    {
        await EnterAsync("remove");
        await _inner.RemoveAsync(claim, taskIds);
        if (Interlocked.CompareExchange(ref _loseRemoveAnswerOf, -1, claim.Shard) == claim.Shard)
            throw new RedisTimeoutException("Timeout awaiting response (remove): removed, its answer lost (test fault)", CommandStatus.Sent);
    }

    private int _loseRemoveAnswerOf = -1;

    /// <summary>The next removal from <paramref name="shard"/> is done, then throws as a command whose answer was lost.</summary>
    public void LoseNextRemoveAnswer(int shard) => Volatile.Write(ref _loseRemoveAnswerOf, shard);

    public async ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard)
    {
        await EnterAsync("load");
        return await _inner.LoadAsync(shard);
    }

    /// <summary>
    /// Claims <paramref name="shard"/> and writes <paramref name="records"/> as another activation of it would (one on a
    /// silo that woke from a pause): the shard's current activation has lost its claim.
    /// </summary>
    public async Task ClaimAsOtherAsync(int shard, params TaskRecord[] records)
        => await _inner.SaveAsync(await _inner.ClaimAsync(shard), records);

    public void Dispose() => Registry.TryRemove(_name, out _);

    private void Set(StoreFault fault)
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            Fault = fault;
            if (fault is StoreFault.Stall or StoreFault.Cut) return;
            _stalledShard = null;
            released = _healed;
            _healed = NewGate();
        }
        released.TrySetResult();
    }

    private async Task EnterAsync(string operation, int? shard = null)
    {
        Calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        StoreFault fault;
        Task healed;
        lock (_gate)
        {
            fault = Fault == StoreFault.Healthy && shard is not null && shard == _stalledShard ? StoreFault.Stall : Fault;
            healed = _healed.Task;
        }
        switch (fault)
        {
            case StoreFault.Fail:
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"{operation}: the task store is failing (test fault)");
            case StoreFault.Stall or StoreFault.Cut:
                Interlocked.Increment(ref _waiting);
                try
                {
                    await healed;
                }
                finally
                {
                    Interlocked.Decrement(ref _waiting);
                }
                if (fault == StoreFault.Cut)
                    throw new RedisTimeoutException($"Timeout awaiting response ({operation}): the link to the task store was cut (test fault)", CommandStatus.Sent);
                break;
        }
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Registers the store <see cref="Install"/> named in the cluster's settings, before Surge's own (TryAdd).</summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
            => silo.Services.AddSingleton<ITaskStore>(sp => Registry[sp.GetRequiredService<IConfiguration>()[Setting]
                ?? throw new InvalidOperationException($"{Setting} is not set: call FaultyTaskStore.Install(settings)")]);
    }
}
