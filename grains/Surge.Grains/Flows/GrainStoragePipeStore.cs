using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Surge.Flows;

[GenerateSerializer]
internal sealed class PipeRecord
{
    [Id(0)] public byte[] Value { get; set; } = [];
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// Pipes in the <see cref="SurgeStorage.Pipes"/> grain storage, a record per pipe. Grain storage has no per-record
/// TTL, so an expired pipe reads as missing until it is written again; cluster mode uses Redis, which expires them.
/// Write-once by ETag: a write that finds the pipe (or loses a race for it) compares bytes instead.
/// </summary>
internal sealed class GrainStoragePipeStore(IServiceProvider services, TimeProvider time) : IPipeStore
{
    private const string StateName = "pipe";
    private static readonly GrainType PipeType = GrainType.Create("pipe");
    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(SurgeStorage.Pipes);

    public async ValueTask<PipeWrite> WriteAsync(string key, ReadOnlyMemory<byte> value, TimeSpan ttl)
    {
        var state = await LoadAsync(key);
        if (Live(state) is { } existing) return existing.Value.AsSpan().SequenceEqual(value.Span) ? PipeWrite.Same : PipeWrite.Refused;
        state.State = new PipeRecord { Value = value.ToArray(), ExpiresAt = time.GetUtcNow() + ttl };
        try
        {
            await _storage.WriteStateAsync(StateName, Id(key), state);
            return PipeWrite.Written;
        }
        catch (InconsistentStateException)
        {
            // Another writer got there first: theirs stands.
            var winner = Live(await LoadAsync(key));
            return winner is not null && winner.Value.AsSpan().SequenceEqual(value.Span) ? PipeWrite.Same : PipeWrite.Refused;
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>?[]> ReadAsync(IReadOnlyList<string> keys)
    {
        var states = await Task.WhenAll(keys.Select(LoadAsync));
        return Array.ConvertAll(states, s => Live(s) is { } r ? (ReadOnlyMemory<byte>?)r.Value : null);
    }

    private PipeRecord? Live(GrainState<PipeRecord> state) => state.RecordExists && state.State is { } r && r.ExpiresAt > time.GetUtcNow() ? r : null;

    private async Task<GrainState<PipeRecord>> LoadAsync(string key)
    {
        var state = new GrainState<PipeRecord>(new PipeRecord());
        await _storage.ReadStateAsync(StateName, Id(key), state);
        return state;
    }

    private static GrainId Id(string key) => GrainId.Create(PipeType, key);
}
