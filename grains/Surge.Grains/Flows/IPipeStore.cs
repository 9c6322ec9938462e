namespace Surge.Flows;

/// <summary>What a write of a pipe did: pipes are written once and never overwritten.</summary>
internal enum PipeWrite
{
    /// <summary>The pipe did not exist; it does now.</summary>
    Written,
    /// <summary>The pipe existed with the same bytes (a step's outcome written again after a restart).</summary>
    Same,
    /// <summary>The pipe existed with other bytes, which stand; the write was refused and counted.</summary>
    Refused,
}

/// <summary>
/// Where pipes live, keyed by <see cref="PipeKey"/>: by default the <see cref="SurgeStorage.Pipes"/> grain storage, in
/// cluster mode Redis. Values are immutable: the first write of a key wins.
/// </summary>
internal interface IPipeStore
{
    ValueTask<PipeWrite> WriteAsync(string key, ReadOnlyMemory<byte> value, TimeSpan ttl);

    /// <summary>The pipes' bytes in the order asked; null for one that does not exist (or has expired).</summary>
    ValueTask<ReadOnlyMemory<byte>?[]> ReadAsync(IReadOnlyList<string> keys);
}
