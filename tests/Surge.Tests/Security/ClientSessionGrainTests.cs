using Orleans.Core;
using Surge.Security;

namespace Surge.Tests.Security;

/// <summary>A client's stored session while the store refuses a write: nothing is shown that is not stored, and the retry stores it.</summary>
public sealed class ClientSessionGrainTests
{
    private static readonly SessionIdentity Alice = new(SessionProof.ApiKey, "alice-key-hash", DateTimeOffset.UnixEpoch.AddYears(60));

    [Fact]
    public async Task SetAsync_StoreRefuses_KeepsTheStoredSession_AndTheRetryWritesIt()
    {
        var state = new RefusingState();
        var grain = new ClientSessionGrain(state);

        state.Refuse = true;
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => grain.SetAsync(Alice));
        Assert.Null(await grain.GetAsync());

        state.Refuse = false;
        await grain.SetAsync(Alice); // the client's retry: not "unchanged"
        Assert.Equal(Alice, state.Stored);
        Assert.Equal(Alice, await grain.GetAsync());
    }

    private sealed class RefusingState : IPersistentState<ClientSessionState>
    {
        public bool Refuse { get; set; }
        public SessionIdentity? Stored { get; private set; }
        public ClientSessionState State { get; set; } = new();
        public string? Etag => null;
        public bool RecordExists => Stored is not null;

        public Task WriteStateAsync()
        {
            if (Refuse) throw new InvalidOperationException("redis: connection refused");
            Stored = State.Identity;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync() => throw new NotSupportedException();

        public Task ReadStateAsync() => Task.CompletedTask;
    }
}
