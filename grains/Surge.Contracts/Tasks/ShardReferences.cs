using System.Runtime.CompilerServices;

namespace Surge;

/// <summary>
/// The references of one shard grain interface, kept per grain factory. <see cref="IGrainFactory.GetGrain{T}(long, string)"/>
/// resolves the interface's grain type by reflection on every call, which cost a few percent of a silo's CPU on the
/// entity path; a shard's reference never changes, so each factory builds its <see cref="TaskShards.Count"/> once.
/// Per factory, not static: silos hosted in one process (tests) each have their own.
/// </summary>
internal static class ShardReferences<T> where T : IGrainWithIntegerKey
{
    private static readonly ConditionalWeakTable<IGrainFactory, T[]> ByFactory = new();

    public static T Get(IGrainFactory grains, int shard)
    {
        var references = ByFactory.GetValue(grains, static _ => new T[TaskShards.Count]);
        return references[shard] ??= grains.GetGrain<T>(shard); // a race builds the same reference twice: harmless
    }
}
