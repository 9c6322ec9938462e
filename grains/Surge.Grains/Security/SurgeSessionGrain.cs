using Orleans.Concurrency;

namespace Surge.Security;

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
            try
            {
                await GrainFactory.GetGrain<IClientSessionGrain>(client.ToString()).SetAsync(identity);
            }
            catch (Exception e) when (e is not SurgeStoreUnavailableException && !Failovers.Is(e))
            {
                throw new SurgeStoreUnavailableException($"the session could not be stored ({e.GetBaseException().Message}); nothing was opened, retry");
            }
            sessions.Remember(client, identity);
        }
        return new SurgeSession(caller.Name, caller.Role, caller.Reason, identity?.ExpiresAt);
    }
}
