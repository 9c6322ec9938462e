using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Surge.Hosting.Storage;

/// <summary>
/// Grain storage in this process's memory, for the embedded single-silo default. Unlike Orleans' memory storage,
/// whose every read and write is a message to a storage grain, this is a dictionary: records stay off the hot path.
/// It does not survive the process and is not shared between silos: cluster mode uses Redis.
/// </summary>
internal sealed class ProcessMemoryGrainStorage(DeepCopier copier) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), (object State, string ETag)> _records = new();
    private long _etag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = copier.Copy((T)record.State);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var etag = Interlocked.Increment(ref _etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Copy: the activation goes on mutating its state object after the write.
        object copy = copier.Copy(grainState.State)!;
        _records.AddOrUpdate(key, (copy, etag), (_, existing) => existing.ETag == grainState.ETag
            ? (copy, etag)
            : throw new InconsistentStateException($"ETag mismatch for {stateName} of {grainId}", existing.ETag, grainState.ETag));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _records.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
