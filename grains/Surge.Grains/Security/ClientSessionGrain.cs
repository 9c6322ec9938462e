using Orleans.Concurrency;

namespace Surge.Security;

/// <summary>
/// One client's session, keyed by its Orleans client id: what it last proved. Kept in
/// <see cref="SurgeStorage.Sessions"/>, so a silo that dies takes no session with it; silos read it when they meet a
/// client they do not know yet (<see cref="ClientSessions"/>).
/// </summary>
internal interface IClientSessionGrain : IGrainWithStringKey
{
    Task SetAsync(SessionIdentity identity);

    [ReadOnly]
    Task<SessionIdentity?> GetAsync();
}

[GenerateSerializer]
internal sealed class ClientSessionState
{
    [Id(0)] public SessionIdentity? Identity { get; set; }
}

internal sealed class ClientSessionGrain([PersistentState("session", SurgeStorage.Sessions)] IPersistentState<ClientSessionState> state)
    : Grain, IClientSessionGrain
{
    public Task SetAsync(SessionIdentity identity)
    {
        // A renewal with the proof it already has (the client signs a new one every 5 minutes) changes nothing.
        if (identity == state.State.Identity) return Task.CompletedTask;
        state.State.Identity = identity;
        return state.WriteStateAsync();
    }

    public Task<SessionIdentity?> GetAsync() => Task.FromResult(state.State.Identity);
}

/// <summary>
/// Opens a client's session on the silo its call arrived at: checks what the credentials prove, stores it, and tells
/// this silo at once. <see cref="SessionCredentials.Client"/> is the caller's own id, written by the access filter.
/// </summary>
[StatelessWorker]
internal sealed class SurgeSessionGrain(ClientIdentities identities, ClientSessions sessions, TimeProvider time) : Grain, ISurgeSessionGrain
{
    public async Task<SurgeSession> OpenAsync(SessionCredentials credentials)
    {
        if (credentials.Client is not { } client)
            throw new InvalidOperationException("a session is a client's: this call came from a grain or a silo's own client, which need none");
        var (caller, identity) = identities.Verify(credentials, time.GetUtcNow());
        if (identity is not null)
        {
            await GrainFactory.GetGrain<IClientSessionGrain>(client.ToString()).SetAsync(identity);
            sessions.Remember(client, identity);
        }
        return new SurgeSession(caller.Name, caller.Role, caller.Reason, identity?.ExpiresAt);
    }
}
