using Microsoft.Extensions.Options;
using Surge.Policies;

namespace Surge.Caps;

/// <summary>
/// Hands out the slots of one type's cluster-wide cap and its start tokens. Slots are shared fairly between silos
/// that want more than they hold; a silo never loses slots its tasks run in, it gives surplus back as they finish.
/// Leases live in memory. The grain stores only when it was last in use: an activation that finds it was in use
/// within a lease period (a failover) first waits one lease period, adopting what silos report they hold, before it
/// grants anything new, so a failover cannot hand out slots twice.
/// </summary>
[KeepAlive]
internal sealed class CapGrain([PersistentState("cap", SurgeStorage.Name)] IPersistentState<CapGrainState> state,
    IOptions<TaskPoliciesOptions> policies, TimeProvider time) : Grain, ICapGrain
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    private CapLedger _ledger = null!;
    private long _rebuildUntil;
    private double _tokens;
    private long _refilledAt;
    private TaskPolicy _policy = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _policy = policies.Value.For(this.GetPrimaryKeyString());
        _ledger = new CapLedger(_policy.MaxRunning ?? int.MaxValue, Ticks(Lease));
        var recentlyInUse = state.State.LastInUse > time.GetUtcNow() - Lease;
        _rebuildUntil = recentlyInUse ? time.GetTimestamp() + Ticks(Lease) : 0;
        _refilledAt = time.GetTimestamp();
        return Task.CompletedTask;
    }

    public async Task<CapGrant> SyncAsync(CapRequest request)
    {
        var now = time.GetTimestamp();
        if (time.GetUtcNow() - state.State.LastInUse > TimeSpan.FromSeconds(1)) await MarkInUseAsync();
        var slots = _ledger.Sync(request, now, adoptOnly: now < _rebuildUntil);
        return new CapGrant(slots, TakeTokens(request, now), Lease);
    }

    private async Task MarkInUseAsync()
    {
        state.State.LastInUse = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception)
        {
            // Only a failover's caution depends on it; the next sync tries again.
        }
    }

    private int TakeTokens(CapRequest request, long now)
    {
        if (_policy.MaxStartsPerSecond is not { } rate || request.TokensWanted <= 0 || now < _rebuildUntil) return 0;
        _tokens = Math.Min(rate, _tokens + rate * time.GetElapsedTime(_refilledAt, now).TotalSeconds); // at most a second's burst
        _refilledAt = now;
        var contenders = 1 + _ledger.OthersWanting(request.Silo);
        var granted = (int)Math.Min(request.TokensWanted, Math.Floor(Math.Max(1, _tokens / contenders)));
        granted = (int)Math.Min(granted, Math.Floor(_tokens));
        _tokens -= granted;
        return granted;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}

[GenerateSerializer]
internal sealed class CapGrainState
{
    [Id(0)] public DateTimeOffset LastInUse { get; set; }
}
