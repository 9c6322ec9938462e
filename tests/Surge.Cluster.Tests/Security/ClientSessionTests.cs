using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surge.Client.Security;
using Surge.Testing;

namespace Surge.Cluster.Tests.Security;

/// <summary>The client's side of a session: opened at start, renewed every minute, with a proof signed anew at half its lifetime.</summary>
public sealed class ClientSessionTests : IDisposable
{
    private readonly ThrowawayCertificates _certificates = ThrowawayCertificates.Create();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RecordingSessions _grain = new();

    public void Dispose() => _certificates.Dispose();

    private ClientSession Session()
    {
        var files = new CertificateFiles(new SurgeTlsOptions { Directory = _certificates.Client("CN=alice") }, SurgeTlsOptions.ClientSection, _time);
        var credentials = new ClientCredentials(null, files, Options.Create(new Orleans.Configuration.ClusterOptions { ServiceId = "surge" }), _time);
        return new ClientSession(credentials, (proof, _) => _grain.OpenAsync(proof), _time, NullLogger<ClientSession>.Instance);
    }

    [Fact]
    public async Task Open_ThenMinutes_RenewsEveryMinute_SigningANewProofAtHalfItsLifetime()
    {
        using var session = Session();
        await session.OpenAsync(CancellationToken.None);
        Assert.Single(_grain.Opened);

        for (var minute = 1; minute <= 6; minute++) _time.Advance(ClientSession.RenewEvery);
        Assert.Equal(7, _grain.Opened.Count);
        Assert.All(_grain.Opened, c => Assert.Null(c.Client)); // the silo's to write
        var proofs = _grain.Opened.Select(c => Convert.ToHexString(c.Proof!)).ToList();
        Assert.Single(proofs.Take(5).Distinct()); // minutes 0-4: the first proof
        Assert.NotEqual(proofs[0], proofs[5]); // minute 5: half of its 10 minutes gone, a new one
    }

    [Fact]
    public async Task Renew_Failing_IsTriedAgainNextMinute()
    {
        using var session = Session();
        await session.OpenAsync(CancellationToken.None);
        _grain.Fail = true;
        _time.Advance(ClientSession.RenewEvery);
        _grain.Fail = false;
        _time.Advance(ClientSession.RenewEvery);
        Assert.Equal(3, _grain.Calls);
        Assert.Equal(2, _grain.Opened.Count);
    }

    private sealed class RecordingSessions : ISurgeSessionGrain
    {
        public List<SessionCredentials> Opened { get; } = [];
        public bool Fail { get; set; }
        public int Calls { get; private set; }

        public Task<SurgeSession> OpenAsync(SessionCredentials credentials)
        {
            Calls++;
            if (Fail) return Task.FromException<SurgeSession>(new TimeoutException("no answer"));
            Opened.Add(credentials);
            return Task.FromResult(new SurgeSession("CN=alice", SurgeRole.Submit, "certificate", DateTimeOffset.UtcNow.AddMinutes(10)));
        }
    }
}
