using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Grain storage in this process's memory whose writes a test can make fail, as Redis does when its link is cut.
/// Stores deep copies, so what a grain holds in memory and what is stored can differ, as they do for real.
/// </summary>
public sealed class FaultyGrainStorage(DeepCopier copier) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, object> Stored = new();

    /// <summary>While set, every write and clear throws.</summary>
    public static volatile bool FailWrites;

    /// <summary>What a failing write throws: by default an <see cref="InvalidOperationException"/>.</summary>
    public static volatile Func<Exception>? FailWith;

    /// <summary>While set, every write of this state name throws, and is counted in <see cref="FailedWrites"/>.</summary>
    public static volatile string? FailWritesOf;

    private static int _failedWrites;

    /// <summary>Writes refused under <see cref="FailWritesOf"/>.</summary>
    public static int FailedWrites => Volatile.Read(ref _failedWrites);

    /// <summary>The share of writes and clears that throw, drawn from a seeded sequence (0: none).</summary>
    public static double FailRate;

    private static readonly Random Draws = new(20261129);

    /// <summary>
    /// While set, a write or clear made with a version (ETag) that is not the stored one throws
    /// <see cref="InconsistentStateException"/>, as Orleans' Redis storage does.
    /// </summary>
    public static volatile bool CheckVersions;

    /// <summary>
    /// The next this many writes are stored, then throw as if their answer was lost (a timeout): the writer keeps its old
    /// version, which no longer matches the stored one.
    /// </summary>
    public static int LoseReplies;

    private static readonly ConcurrentDictionary<string, int> Versions = new();

    /// <summary>While set, writes of this state name wait until <see cref="ReleaseWrites"/>, as a write to a slow Redis does.</summary>
    public static volatile string? HoldWritesOf;

    private static TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static int _waiting;

    /// <summary>Writes waiting under <see cref="HoldWritesOf"/>.</summary>
    public static int WaitingWrites => Volatile.Read(ref _waiting);

    /// <summary>Lets the held writes go on, and holds no more.</summary>
    public static void ReleaseWrites()
    {
        HoldWritesOf = null;
        Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private static bool Fails()
    {
        if (FailWrites) return true;
        if (FailRate <= 0) return false;
        lock (Draws) return Draws.NextDouble() < FailRate;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Stored.TryGetValue(Key(stateName, grainId), out var state))
        {
            grainState.State = copier.Copy((T)state);
            grainState.RecordExists = true;
            grainState.ETag = Versions.GetValueOrDefault(Key(stateName, grainId), 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Fails()) throw FailWith?.Invoke() ?? new InvalidOperationException("storage unreachable (test)");
        if (FailWritesOf == stateName)
        {
            Interlocked.Increment(ref _failedWrites);
            throw new InvalidOperationException($"storage unreachable for {stateName} (test)");
        }
        var copy = copier.Copy(grainState.State)!; // what the grain asked to store, whatever it changes while the write waits
        if (HoldWritesOf == stateName)
        {
            var released = Volatile.Read(ref _released).Task;
            Interlocked.Increment(ref _waiting);
            try
            {
                await released;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
        var key = Key(stateName, grainId);
        CheckVersion(key, grainState.ETag);
        Stored[key] = copy;
        var version = Versions.AddOrUpdate(key, 2, (_, v) => v + 1);
        if (Interlocked.Decrement(ref LoseReplies) >= 0) throw new TimeoutException("the write was stored, its answer lost (test)");
        Interlocked.Exchange(ref LoseReplies, 0);
        grainState.RecordExists = true;
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void CheckVersion(string key, string? etag)
    {
        var stored = Versions.GetValueOrDefault(key, 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (CheckVersions && Stored.ContainsKey(key) && etag != stored)
            throw new InconsistentStateException($"version {etag} is not the stored {stored} (test)", stored, etag ?? "");
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Fails()) throw FailWith?.Invoke() ?? new InvalidOperationException("storage unreachable (test)");
        CheckVersion(Key(stateName, grainId), grainState.ETag);
        Stored.TryRemove(Key(stateName, grainId), out _);
        Versions.TryRemove(Key(stateName, grainId), out _);
        grainState.RecordExists = false;
        grainState.ETag = null;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    /// <summary>What is stored under <paramref name="stateName"/> for <paramref name="grainId"/>, read as a new activation would.</summary>
    public static T? StoredState<T>(string stateName, GrainId grainId) where T : class
        => Stored.TryGetValue(Key(stateName, grainId), out var state) ? (T)state : null;

    /// <summary>
    /// Puts this storage in front of the entities' state on every silo of a test cluster, with cluster mode's recovery
    /// on (grains run again what they find unfinished when they activate), where the defect showed.
    /// </summary>
    public sealed class ForEntities : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(SurgeStorage.Entities, (sp, _) => new FaultyGrainStorage(sp.GetRequiredService<DeepCopier>()));
            silo.Services.AddSingleton(new RecoveryOptions { RedispatchOnActivation = true });
        }
    }

    /// <summary>Puts this storage in front of Surge's own storage (schedules, their list, caps, flows) on every silo of a test cluster.</summary>
    public sealed class ForSurge : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
            => silo.Services.AddKeyedSingleton<IGrainStorage>(SurgeStorage.Name, (sp, _) => new FaultyGrainStorage(sp.GetRequiredService<DeepCopier>()));
    }

    /// <summary>Puts this storage in front of the result cache on every silo of a test cluster.</summary>
    public sealed class ForCache : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
            => silo.Services.AddKeyedSingleton<IGrainStorage>(SurgeStorage.Cache, (sp, _) => new FaultyGrainStorage(sp.GetRequiredService<DeepCopier>()));
    }

    /// <summary>Puts this storage in front of waves and pipes on every silo of a test cluster.</summary>
    public sealed class ForWaves : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            foreach (var name in (string[])[SurgeStorage.Waves, SurgeStorage.Pipes])
                silo.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new FaultyGrainStorage(sp.GetRequiredService<DeepCopier>()));
        }
    }
}
