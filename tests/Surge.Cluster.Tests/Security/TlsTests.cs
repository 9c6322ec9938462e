using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Messaging;
using Orleans.TestingHost;
using Microsoft.Extensions.Logging.Abstractions;
using Surge.Client;
using Surge.Client.Security;
using Surge.Security;

namespace Surge.Cluster.Tests.Security;

/// <summary>Mutual TLS on a real (in-process, two-silo) cluster: who can connect at all.</summary>
[Collection("secure-cluster")]
public sealed class TlsTests(SecureClusterFixture fixture)
{
    // One connection attempt each (Orleans' client would try again for minutes): refused at once, where the same single
    // attempt with the cluster's own certificate connects (the control below).
    [Fact]
    public async Task Connect_WithoutCertificate_IsRefused()
        => await Assert.ThrowsAsync<ConnectionFailedException>(() => fixture.ConnectAsync(tls: null, once: true));

    // A service's client without the certificate, trying as it does by default: the gateway drops each attempt. It gives
    // up after its ConnectTimeout and says what to set; Orleans' own retries took three minutes and named neither.
    [Fact]
    public async Task Connect_WithoutCertificate_GivesUpAfterConnectTimeoutNamingTheTlsSetting()
    {
        var started = Stopwatch.GetTimestamp();
        var e = await Assert.ThrowsAsync<SurgeUnavailableException>(() => fixture.ConnectAsync(tls: null, connectTimeout: TimeSpan.FromSeconds(2)));
        Assert.Contains("Surge:Client:Tls:Directory", e.Message);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Connect_WithCertificateOfAnotherCa_IsRefused()
    {
        using var rogue = ThrowawayCertificates.Create("Rogue CA");
        await Assert.ThrowsAsync<ConnectionFailedException>(() => fixture.ConnectAsync(rogue.Client("CN=admin"), once: true));
    }

    [Fact]
    public async Task Connect_OnceWithTrustedCertificate_Connects()
    {
        using var admin = await fixture.ConnectAsync(fixture.Certificates.Client("CN=admin"), once: true);
        Assert.NotNull(await admin.Services.GetRequiredService<ISurgeClient>().GetPoolsAsync());
    }

    [Fact]
    public async Task Run_WithTrustedListedCertificate_SucceedsAndRecordsSubmitter()
    {
        using var alice = await fixture.ConnectAsync(fixture.Certificates.Client("CN=alice"));
        var status = await alice.Services.GetRequiredService<ISurgeClient>().RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, status.State);
        Assert.Equal("CN=alice", status.Submitter);
    }

    [Fact]
    public async Task Submit_FromTestClusterClient_WorksAcrossBothSilosOverTls()
    {
        // The shards spread over both silos, so these calls cross silo-to-silo connections, which use TLS too.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.Surge.Client.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30))));
        Assert.All(statuses, s => Assert.Equal(TaskState.Succeeded, s.State));
        Assert.All(statuses, s => Assert.Equal("CN=admin", s.Submitter));
    }

    [Fact]
    public async Task Run_OnShardsOfBothSilos_TheSiloThatDidNotOpenTheSessionReadsItAndEveryRunSucceeds()
    {
        // The client's gateway is one silo, which opened its session; shards on the other meet the client first in
        // these calls, read its session from the session grain, and know it by its id: the caller sees none of it.
        using var bob = await fixture.ConnectAsync(fixture.Certificates.Client("CN=bob"));
        var surge = bob.Services.GetRequiredService<ISurgeClient>();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => surge.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30))));
        Assert.All(statuses, s => Assert.Equal(TaskState.Succeeded, s.State));
        Assert.All(statuses, s => Assert.Equal("CN=bob", s.Submitter));
    }

    [Fact]
    public async Task OpenSession_NamingAnotherClient_OpensTheCallersOwn()
    {
        // An unlisted certificate (no role); it opens a session with the operators' key, naming another client as the
        // one the session is for. The silo writes the caller's own id over it: the session is its own, no one else's.
        using var eve = await fixture.ConnectAsync(fixture.Certificates.Client("CN=eve"));
        var someoneElse = GrainId.Create("sys.client", Guid.NewGuid().ToString("N"));
        var session = await eve.Services.GetRequiredService<IClusterClient>().GetGrain<ISurgeSessionGrain>(0)
            .OpenAsync(new SessionCredentials(SecureClusterFixture.OperateKey, null) { Client = someoneElse });
        Assert.Equal(SurgeRole.Operate, session.Role);
        Assert.NotNull(await eve.Services.GetRequiredService<ISurgeClient>().GetDeadLettersAsync());
        var silo = ((InProcessSiloHandle)fixture.Surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>();
        Assert.Null(await silo.GetGrain<IClientSessionGrain>(someoneElse.ToString()).GetAsync());
    }

    [Fact]
    public async Task Run_AfterEverySiloForgotTheClient_IsKnownFromItsStoredSession()
    {
        using var alice = await fixture.ConnectAsync(fixture.Certificates.Client("CN=alice"));
        var surge = alice.Services.GetRequiredService<ISurgeClient>();
        Assert.Equal("CN=alice", (await surge.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30))).Submitter);

        // As after a restart of every silo: nothing in memory, and the session grains gone too (with every other idle
        // activation), so each silo reads the client's session and what it reads comes from storage.
        foreach (var silo in fixture.Surge.Cluster.Silos.Cast<InProcessSiloHandle>())
            silo.SiloHost.Services.GetRequiredService<ClientSessions>().Forget();
        await fixture.Surge.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => surge.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30))));
        Assert.All(statuses, s => Assert.Equal("CN=alice", s.Submitter));
    }

    [Fact]
    public void Start_EverySilo_GivesItsCertificateFilesTheHostsLogger()
    {
        // A refused reload is only a log line: one said to no logger would leave the operator nothing to go on.
        foreach (var silo in fixture.Surge.Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var logging = Assert.Single(silo.SiloHost.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>().OfType<CertificateFilesLogging<ISiloLifecycle>>());
            Assert.IsNotType<NullLogger>(logging.Files.Logger);
        }
    }
}
