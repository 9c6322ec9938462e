using Microsoft.Extensions.Options;
using Surge.Policies;

namespace Surge.Caps;

/// <summary>
/// Hands out the slots of one type's cluster-wide cap and its start tokens. Slots are shared fairly between silos
/// that want more than they hold; a silo never loses slots its tasks run in, it gives surplus back as they finish.
/// Leases live in memory. The grain stores only when it was last in use (<see cref="CapMark"/>): an activation that
/// finds it was in use within a lease and the mark's cadence (a failover) first waits one lease period, adopting what
/// silos report they hold, before it grants anything new, so a failover cannot hand out slots twice. While the store
/// refuses the mark, a sync grants nothing the stored mark cannot cover.
/// </summary>
[KeepAlive]
internal sealed class CapGrain([PersistentState("cap", SurgeStorage.Name)] IPersistentState<CapGrainState> state,
    IOptions<TaskPoliciesOptions> policies, TimeProvider time) : Grain, ICapGrain
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    private CapLedger _ledger = null!;
    private CapMark _mark = null!;
    private long _rebuildUntil;
    private StartTokens? _starts;
    private TaskPolicy _policy = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _policy = policies.Value.For(this.GetPrimaryKeyString());
        _ledger = new CapLedger(_policy.MaxRunning ?? int.MaxValue, Ticks(Lease));
        _mark = new CapMark(Lease, state.State.LastInUse);
        _rebuildUntil = _mark.MustRebuild(time.GetUtcNow()) ? time.GetTimestamp() + Ticks(Lease) : 0;
        _starts = _policy.MaxStartsPerSecond is { } rate ? new StartTokens(rate, time.GetTimestamp(), time.TimestampFrequency) : null;
        return Task.CompletedTask;
    }

    public async Task<CapGrant> SyncAsync(CapRequest request)
    {
        if (_mark.Due(time.GetUtcNow())) await MarkInUseAsync();
        var now = time.GetTimestamp();
        var allowed = _mark.Allow(time.GetUtcNow());
        var adoptOnly = now < _rebuildUntil || !allowed.Grants;
        var slots = _ledger.Sync(request, now, adoptOnly);
        return new CapGrant(slots, adoptOnly ? 0 : TakeTokens(request, now), allowed.Lease);
    }

    private async Task MarkInUseAsync()
    {
        var mark = time.GetUtcNow();
        var previous = state.State.LastInUse;
        _mark.Trying(mark);
        state.State.LastInUse = mark;
        try
        {
            await state.WriteOrUndoAsync(this, () => state.State.LastInUse = previous, "the cap's in-use mark");
            _mark.Wrote(mark);
        }
        catch (SurgeStoreUnavailableException)
        {
            // Silos keep what they hold, on leases the stored mark still covers; the next try is a second away.
        }
    }

    private int TakeTokens(CapRequest request, long now)
        => _starts is null || request.TokensWanted <= 0 ? 0 : _starts.Take(now, request.TokensWanted, _ledger.OthersWanting(request.Silo));

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}

[GenerateSerializer]
internal sealed class CapGrainState
{
    [Id(0)] public DateTimeOffset LastInUse { get; set; }
}
