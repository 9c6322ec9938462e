using System.Collections.Concurrent;

namespace Surge.Security;

/// <summary>
/// Who each client is, on this silo: from the call's source id (the Orleans client id), by its session, read once from
/// <see cref="IClientSessionGrain"/> and remembered until the session expires. A call then carries no credentials at
/// all, and a client needs no outgoing filter, which alone cost Orleans' slower call path.
/// </summary>
/// <remarks>
/// The source id is what the access filter already trusts to tell clients from grains: Orleans' own client cannot
/// change it, and only a client that rewrites Orleans' messages could, which could pose as a grain just as well.
/// Mutual TLS keeps such clients out. A client with no session is asked about again after <see cref="Unknown"/>, so one
/// that opens its session late is known soon after, and one that never does costs a read that often, not each call.
/// </remarks>
internal sealed class ClientSessions(ClientIdentities identities, Func<GrainId, Task<SessionIdentity?>> read, TimeProvider time)
{
    internal static readonly TimeSpan Unknown = TimeSpan.FromSeconds(5);
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<GrainId, (Caller Caller, DateTimeOffset Until)> _known = new();
    private readonly ConcurrentDictionary<GrainId, Task<Caller>> _reading = new();

    public ClientSessions(ClientIdentities identities, IGrainFactory grains, TimeProvider time)
        : this(identities, client => grains.GetGrain<IClientSessionGrain>(client.ToString()).GetAsync(), time)
    {
    }

    /// <summary>The caller of a call from <paramref name="client"/>; at once when known here.</summary>
    public ValueTask<Caller> CallerAsync(GrainId client)
    {
        if (!identities.Enabled) return ValueTask.FromResult(ClientIdentities.Everyone);
        if (_known.TryGetValue(client, out var known) && known.Until > time.GetUtcNow()) return ValueTask.FromResult(known.Caller);
        return new(ReadOnceAsync(client));
    }

    /// <summary>
    /// Remembers what <paramref name="client"/>'s session proved, as read or as just opened here. Of two answers, the one
    /// that lasts longer stays: a read that began before the client renewed must not put back what the renewal replaced.
    /// </summary>
    public Caller Remember(GrainId client, SessionIdentity? identity)
    {
        var now = time.GetUtcNow();
        var fresh = (Caller: identities.Resolve(identity, now), Until: identity is { } i && i.ExpiresAt > now ? i.ExpiresAt : now + Unknown);
        if (_known.Count >= MaxRemembered) _known.Clear(); // many clients: start over rather than grow
        return _known.AddOrUpdate(client, fresh, (_, known) => known.Until > fresh.Until && known.Until > now ? known : fresh).Caller;
    }

    /// <summary>Forgets every client, as a restart would: each is read again from its session at its next call.</summary>
    internal void Forget() => _known.Clear();

    // Many calls from a client this silo does not know yet arrive at once: one read serves them all.
    private async Task<Caller> ReadOnceAsync(GrainId client)
    {
        var reading = _reading.GetOrAdd(client, ReadAsync);
        try
        {
            return await reading;
        }
        finally
        {
            _reading.TryRemove(new(client, reading));
        }
    }

    // A session that cannot be read now (Redis away while this silo meets the client for the first time) is not "no
    // session": nothing is remembered, and the caller hears a refusal it retries, as when a task's record cannot be stored.
    private async Task<Caller> ReadAsync(GrainId client)
    {
        SessionIdentity? identity;
        try
        {
            identity = await read(client);
        }
        catch (Exception e) when (!Failovers.Is(e))
        {
            throw new SurgeStoreUnavailableException(
                $"the session of client '{client}' could not be read ({e.GetBaseException().Message}); nothing was done, retry");
        }
        return Remember(client, identity);
    }
}
