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
        // Undone if the store refuses: else the client's retry would find it "unchanged" and store nothing, and the
        // session would be gone with this activation.
        var previous = state.State.Identity;
        state.State.Identity = identity;
        return state.WriteOrUndoAsync(this, () => state.State.Identity = previous, "the session");
    }

    public Task<SessionIdentity?> GetAsync() => Task.FromResult(state.State.Identity);
}
