using Microsoft.Extensions.DependencyInjection;
using Surge.Client;

namespace Surge.Cluster.Tests.Security;

/// <summary>Mutual TLS on a real (in-process, two-silo) cluster: who can connect at all.</summary>
[Collection("secure-cluster")]
public sealed class TlsTests(SecureClusterFixture fixture)
{
    [Fact]
    public async Task Connect_WithoutCertificate_IsRefused()
        => await Assert.ThrowsAnyAsync<Exception>(() => fixture.ConnectAsync(tls: null, within: TimeSpan.FromSeconds(10)));

    [Fact]
    public async Task Connect_WithCertificateOfAnotherCa_IsRefused()
    {
        using var rogue = ThrowawayCertificates.Create("Rogue CA");
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.ConnectAsync(rogue.Client("CN=admin"), within: TimeSpan.FromSeconds(10)));
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
    public async Task Run_OnShardsOfBothSilos_ProofWithoutCertificateIsAskedForOnceAndEveryRunSucceeds()
    {
        // The client's gateway is one silo; shards on the other have never seen its proof, ask for it in full, and
        // the client's filter sends it again: the caller sees none of it.
        using var bob = await fixture.ConnectAsync(fixture.Certificates.Client("CN=bob"));
        var surge = bob.Services.GetRequiredService<ISurgeClient>();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => surge.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30))));
        Assert.All(statuses, s => Assert.Equal(TaskState.Succeeded, s.State));
        Assert.All(statuses, s => Assert.Equal("CN=bob", s.Submitter));
    }
}
