using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Surge.Flows;

namespace Surge.Client;

internal sealed class SurgeFlows(IClusterClient cluster, IOptions<SurgeClientOptions> options, TimeProvider time) : ISurgeFlows
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);
    private readonly ClusterCalls _calls = new(cluster, options, time);

    public Task<FlowDefinition> RegisterAsync(FlowDefinition flow, CancellationToken cancellationToken = default)
    {
        FlowValidator.Validate(flow); // at the edge, before a network hop
        return _calls.CallAsync(static (c, f) => c.GetGrain<IFlowGrain>(f.Name).RegisterAsync(f), flow, cancellationToken);
    }

    public Task<FlowDefinition?> GetAsync(string flow, CancellationToken cancellationToken = default)
        => _calls.CallAsync(static (c, f) => c.GetGrain<IFlowGrain>(f).GetAsync(), Name(flow, "flow"), cancellationToken);

    // Sent in batches, each stored as it comes: more keys than a state holds are refused before the first, and a refusal
    // after some (the state's own keys and these past the bound) says how many were added, which stay.
    public async Task<int> AddToStateAsync(string state, IEnumerable<string> entities, CancellationToken cancellationToken = default)
    {
        var name = Name(state, "state");
        var batches = Batches(entities).ToList();
        var distinct = batches.SelectMany(b => b).Distinct(StringComparer.Ordinal).Count();
        if (distinct > EntityKeys.MaxPerState)
            throw new SurgeValidationException("entities", $"{distinct} keys are over the limit of {EntityKeys.MaxPerState} a state holds; split them into several states");
        var size = 0;
        var added = 0;
        foreach (var batch in batches)
        {
            try
            {
                size = await _calls.CallAsync(static (c, s) => c.GetGrain<IEntityStateGrain>(s.name).AddAsync(s.batch), (name, batch), cancellationToken);
            }
            catch (SurgeValidationException e) when (added > 0)
            {
                throw new SurgeValidationException(e.Field, $"{e.Message[(e.Field.Length + 2)..]} (the first {added} keys given were added before it: the state holds {size})");
            }
            added += batch.Length;
        }
        return size;
    }

    public async Task<int> RemoveFromStateAsync(string state, IEnumerable<string> entities, CancellationToken cancellationToken = default)
    {
        var size = 0;
        foreach (var batch in Batches(entities))
            size = await _calls.CallAsync(static (c, s) => c.GetGrain<IEntityStateGrain>(s.state).RemoveAsync(s.batch), (state: Name(state, "state"), batch), cancellationToken);
        return size;
    }

    public Task<ImmutableArray<string>> ListStateAsync(string state, int offset = 0, int max = 1000, CancellationToken cancellationToken = default)
        => _calls.CallAsync(static (c, s) => c.GetGrain<IEntityStateGrain>(s.state).ListAsync(s.offset, s.max), (state: Name(state, "state"), offset, max), cancellationToken);

    public Task<WaveStatus> StartWaveAsync(WaveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Name(request.Flow, "flow"); // named here: a null one was a NullReferenceException as the wave's id was made
        Name(request.State, "state");
        if (request.Date is { } date) WaveDates.Validate(date);
        var id = request.WaveId ?? NewWaveId(request.Flow, request.Date ?? WaveDates.Today(time.GetUtcNow()));
        Name(id, "wave");
        WaveIds.RefuseReserved(id);
        // The id is fixed before the first try, so a retried start finds the wave the first one started.
        return _calls.CallAsync(static (c, r) => c.GetGrain<IWaveGrain>(r.WaveId!).StartAsync(r), request with { WaveId = id }, cancellationToken);
    }

    public Task<WaveStatus?> GetWaveAsync(string wave, CancellationToken cancellationToken = default)
        => _calls.CallAsync(static (c, w) => c.GetGrain<IWaveGrain>(w).GetStatusAsync(), Name(wave, "wave"), cancellationToken);

    public async Task<WaveStatus[]> ListWavesAsync(int max = 20, CancellationToken cancellationToken = default)
    {
        var ids = await _calls.CallAsync(static (c, m) => c.GetGrain<IWaveIndexGrain>(0).RecentAsync(m), max, cancellationToken);
        var statuses = await Task.WhenAll(ids.Select(id => GetWaveAsync(id, cancellationToken)));
        return [.. statuses.OfType<WaveStatus>()];
    }

    public async Task<WaveStatus> WaitWaveAsync(string wave, TimeSpan? timeout = null, IProgress<WaveStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var status = await GetWaveAsync(wave, cancellationToken)
                ?? throw new SurgeValidationException("wave", $"no wave '{wave}' exists; start it with surge wave start");
            progress?.Report(status);
            if (status.IsDone || (timeout is { } t && time.GetElapsedTime(started) >= t)) return status;
            await Task.Delay(PollEvery, time, cancellationToken);
        }
    }

    public Task<WaveComparison> CompareAsync(string wave, string task, string? versionA = null, string? versionB = null, CancellationToken cancellationToken = default)
        => _calls.CallAsync(static (c, a) => c.GetGrain<IWaveGrain>(a.wave).CompareAsync(a.task, a.versionA, a.versionB),
            (wave: Name(wave, "wave"), task, versionA, versionB), cancellationToken);

    // Every key is checked before the first batch goes: checked batch by batch, a bad key in a later one was named by its
    // place in that batch, after the batches before it had been stored.
    private static IEnumerable<ImmutableArray<string>> Batches(IEnumerable<string> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var all = entities.ToArray();
        EntityKeys.ValidateEach(all);
        return all.Chunk(EntityKeys.MaxPerCall).Select(chunk => ImmutableArray.Create(chunk));
    }

    private string NewWaveId(string flow, string date)
    {
        var id = $"{(flow.Length > 32 ? flow[..32] : flow)}.{date}.{Convert.ToHexString(BitConverter.GetBytes(time.GetUtcNow().Ticks ^ Random.Shared.NextInt64()))[..8].ToLowerInvariant()}";
        return WaveIds.IsReserved(id) ? "w." + id : id; // a flow named "schedule" must not make ids only schedules may use
    }

    private static string Name(string value, string field)
        => FlowValidator.IsName(value) ? value : throw new SurgeValidationException(field, $"\"{value}\" is not a {field} name: use 1 to 64 letters, digits, '.', '_' or '-'");
}
