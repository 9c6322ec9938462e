using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Surge.Security;

namespace Surge.Tests.Security;

/// <summary>
/// How a silo knows who a call is from: by the client's session, read once and remembered until it expires, with a
/// fake clock and a stand-in for the session grains.
/// </summary>
public sealed class ClientSessionsTests
{
    private const string OpsKey = "ops-key-0123456789abcdef";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly Dictionary<GrainId, SessionIdentity?> _stored = [];
    private int _reads;
    private TaskCompletionSource? _readGate;
    private Exception? _readFault;

    private static readonly GrainId Alice = GrainId.Create("sys.client", "alice-0001");

    private static ClientIdentities Identities(bool enabled = true) => new(
        Options.Create(new SecurityOptions { Enabled = enabled, Clients = [new() { ApiKey = OpsKey, Name = "ops", Role = SurgeRole.Operate }] }),
        Options.Create(new Orleans.Configuration.ClusterOptions { ServiceId = "surge" }));

    private ClientSessions Sessions(ClientIdentities? identities = null) => new(identities ?? Identities(), async client =>
    {
        Interlocked.Increment(ref _reads);
        if (_readGate is { } gate) await gate.Task;
        if (_readFault is { } fault) throw fault;
        return _stored.GetValueOrDefault(client);
    }, _time);

    private SessionIdentity Opened(ClientIdentities identities) => identities.Verify(new SessionCredentials(OpsKey, null), _time.GetUtcNow()).Identity!;

    // Alice opened her session (on some silo), and this silo has not met her yet.
    private (ClientIdentities Identities, ClientSessions Sessions) AliceOpened()
    {
        var identities = Identities();
        _stored[Alice] = Opened(identities);
        return (identities, Sessions(identities));
    }

    [Fact]
    public async Task CallerAsync_KnownSession_NamesItsRoleAndReadsOnce()
    {
        var (_, sessions) = AliceOpened();
        Assert.Equal(SurgeRole.Operate, (await sessions.CallerAsync(Alice)).Role);
        Assert.Equal("ops", (await sessions.CallerAsync(Alice)).Name);
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task CallerAsync_ManyCallsAtOnceFromAnUnknownClient_ReadTheSessionOnce()
    {
        var (_, sessions) = AliceOpened();
        _readGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 50).Select(_ => sessions.CallerAsync(Alice).AsTask()).ToArray();
        _readGate.SetResult();
        Assert.All(await Task.WhenAll(callers), c => Assert.Equal(SurgeRole.Operate, c.Role));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task CallerAsync_SessionUnreadable_RefusesAsStoreUnavailable_RemembersNothing_ReadsAgainAtTheNextCall()
    {
        var (_, sessions) = AliceOpened();
        _readFault = new InvalidOperationException("redis: connection refused");
        var refused = await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => sessions.CallerAsync(Alice).AsTask());
        Assert.Contains("connection refused", refused.Message);
        Assert.Contains("retry", refused.Message);

        _readFault = null; // Redis is back: the next call reads again, with no 5 s wait as for a client with no session
        Assert.Equal(SurgeRole.Operate, (await sessions.CallerAsync(Alice)).Role);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task CallerAsync_SessionGrainsSiloDied_PassesTheFailoverOnAsItIs()
    {
        var sessions = Sessions();
        _readFault = new SiloUnavailableException("the silo of the session grain died");
        await Assert.ThrowsAsync<SiloUnavailableException>(() => sessions.CallerAsync(Alice).AsTask()); // the client rides it out
    }

    [Fact]
    public async Task CallerAsync_NoSession_HasNoRoleSaysWhy_AndIsAskedAgainOnlyAfterAWhile()
    {
        var identities = Identities();
        var sessions = Sessions(identities);
        var caller = await sessions.CallerAsync(Alice);
        Assert.Null(caller.Role);
        Assert.Contains("opened no session", caller.Reason);
        await sessions.CallerAsync(Alice);
        Assert.Equal(1, _reads);

        // The client opens its session late, on another silo: this one sees it once the answer it had is stale.
        _stored[Alice] = Opened(identities);
        _time.Advance(ClientSessions.Unknown);
        Assert.Equal(SurgeRole.Operate, (await sessions.CallerAsync(Alice)).Role);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task CallerAsync_SessionExpired_ReadsAgain_FindsTheRenewalOrRefuses()
    {
        var (identities, sessions) = AliceOpened();
        Assert.Equal(SurgeRole.Operate, (await sessions.CallerAsync(Alice)).Role);

        _time.Advance(ClientProof.Lifetime / 2);
        _stored[Alice] = Opened(identities); // renewed, as the client does every minute
        _time.Advance(ClientProof.Lifetime / 2);
        Assert.Equal(SurgeRole.Operate, (await sessions.CallerAsync(Alice)).Role);
        Assert.Equal(2, _reads);

        _time.Advance(ClientProof.Lifetime); // the client stopped renewing
        var expired = await sessions.CallerAsync(Alice);
        Assert.Null(expired.Role);
        Assert.Contains("expired", expired.Reason);
    }

    [Fact]
    public async Task Remember_OpenedHereWhileAnOlderReadWasUnderWay_KeepsTheOpenedSession()
    {
        var identities = Identities();
        _readGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var sessions = Sessions(identities);
        var read = sessions.CallerAsync(Alice).AsTask(); // finds no session: it began before the client opened one
        sessions.Remember(Alice, Opened(identities));
        _readGate.SetResult();
        await read;
        Assert.Equal(SurgeRole.Operate, (await sessions.CallerAsync(Alice)).Role);
    }

    [Fact]
    public async Task CallerAsync_SecurityOff_IsAdminWithoutReading()
    {
        Assert.Equal(SurgeRole.Admin, (await Sessions(Identities(enabled: false)).CallerAsync(Alice)).Role);
        Assert.Equal(0, _reads);
    }

    [Fact]
    public void Verify_UnlistedKeyOrNothing_KeepsWhyForTheSession()
    {
        var identities = Identities();
        var now = _time.GetUtcNow();
        var (caller, identity) = identities.Verify(new SessionCredentials("not-a-listed-key-000000", null), now);
        Assert.Null(caller.Role);
        Assert.Equal("its API key is not listed", identities.Resolve(identity, now).Reason);
        var (none, nothing) = identities.Verify(new SessionCredentials(null, null), now);
        Assert.Null(none.Role);
        Assert.Equal(none.Reason, identities.Resolve(nothing, now).Reason);
        Assert.DoesNotContain(OpsKey, identities.Verify(new SessionCredentials(OpsKey, null), now).Identity!.Value); // kept as a hash
    }

    [Fact]
    public void Verify_KeyLongerThanAnyListed_NoRoleSaysWhy_NotHashed()
    {
        var identities = Identities();
        var now = _time.GetUtcNow();
        var (caller, identity) = identities.Verify(new SessionCredentials(new string('k', SecurityOptions.MaxApiKeyLength + 1), null), now);
        Assert.Null(caller.Role);
        Assert.Equal(SessionProof.None, identity!.Proof);
        Assert.Contains($"longer than {SecurityOptions.MaxApiKeyLength} characters", caller.Reason);
        // At the limit it is a key like any other: hashed and looked up.
        Assert.Equal(SessionProof.ApiKey, identities.Verify(new SessionCredentials(new string('k', SecurityOptions.MaxApiKeyLength), null), now).Identity!.Proof);
    }
}
