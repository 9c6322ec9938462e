using Microsoft.Extensions.Time.Testing;
using Surge.Client.Security;
using Surge.Hosting.Security;
using Surge.Testing;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// The silo's check of client proofs, with real throwaway certificates and a fake clock: what it remembers of a proof
/// it checked serves that very proof only, and only while it is fresh.
/// </summary>
public sealed class ClientProofVerifierTests : IDisposable
{
    private const string ServiceId = "surge-tests";
    private readonly ThrowawayCertificates _certificates = ThrowawayCertificates.Create();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _certificates.Dispose();

    private ClientProofVerifier Verifier()
        => new(new CertificateFiles(new SurgeTlsOptions { Directory = _certificates.Silo }, SurgeTlsOptions.SiloSection, _time), _time);

    private ClientProof Proof(string subject, long? issuedAt = null)
    {
        var files = new CertificateFiles(new SurgeTlsOptions { Directory = _certificates.Client(subject) }, SurgeTlsOptions.ClientSection, _time);
        return ClientCredentials.Sign(files.Certificate, ServiceId, issuedAt ?? _time.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public void Verify_TrustedProof_NamesTheSubject_AndAgainFromWhatItRemembers()
    {
        var verifier = Verifier();
        var proof = Proof("CN=alice");
        Assert.Equal("CN=alice", verifier.Verify(proof, ServiceId));
        Assert.Equal("CN=alice", verifier.Verify(proof, ServiceId));
    }

    [Fact]
    public void Verify_RememberedSignatureWithAnotherTimeOrCertificate_IsNotTheCheckedOne()
    {
        var verifier = Verifier();
        var proof = Proof("CN=admin");
        Assert.NotNull(verifier.Verify(proof, ServiceId));
        // The signature a silo remembers is over one time and one certificate: moved to another, it proves nothing.
        Assert.Null(verifier.Verify(proof with { IssuedAtUnixSeconds = proof.IssuedAtUnixSeconds + 60 }, ServiceId));
        Assert.Null(verifier.Verify(proof with { Certificate = Proof("CN=eve").Certificate }, ServiceId));
    }

    [Fact]
    public void Verify_ForgedSignature_IsRefused()
    {
        var proof = Proof("CN=admin");
        Assert.Null(Verifier().Verify(proof with { Signature = [.. proof.Signature.Select(b => (byte)(b ^ 0x5a))] }, ServiceId));
    }

    [Fact]
    public void Verify_RememberedProofPastItsLifetime_IsRefused()
    {
        var verifier = Verifier();
        var proof = Proof("CN=alice");
        Assert.NotNull(verifier.Verify(proof, ServiceId));
        _time.Advance(ClientProof.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Null(verifier.Verify(proof, ServiceId));
    }

    [Fact]
    public void Verify_ProofForAnotherCluster_IsRefused()
        => Assert.Null(Verifier().Verify(Proof("CN=alice"), "another-cluster"));
}
