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

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Stored.TryGetValue(Key(stateName, grainId), out var state))
        {
            grainState.State = copier.Copy((T)state);
            grainState.RecordExists = true;
            grainState.ETag = "1";
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailWrites) throw new InvalidOperationException("storage unreachable (test)");
        Stored[Key(stateName, grainId)] = copier.Copy(grainState.State)!;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailWrites) throw new InvalidOperationException("storage unreachable (test)");
        Stored.TryRemove(Key(stateName, grainId), out _);
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    /// <summary>
    /// Puts this storage in front of the entities' state on every silo of a test cluster, with cluster mode's recovery
    /// on (grains run again what they find unfinished when they activate), where the defect showed.
    /// </summary>
    public sealed class ForEntities : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(Tasks.SurgeStorage.Entities, (sp, _) => new FaultyGrainStorage(sp.GetRequiredService<DeepCopier>()));
            silo.Services.AddSingleton(new Pools.RecoveryOptions { RedispatchOnActivation = true });
        }
    }
}
