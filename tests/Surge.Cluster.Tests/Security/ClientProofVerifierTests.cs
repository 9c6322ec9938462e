using Microsoft.Extensions.Time.Testing;
using Surge.Client.Security;
using Surge.Hosting.Security;
using Surge.Testing;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// The silo's check of client proofs, with real throwaway certificates and a fake clock: a proof without its
/// certificate is accepted only where the whole proof was checked before, and otherwise asked for, never trusted.
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
    public void Verify_CompactProofNeverSeen_AsksForTheCertificateAndNamesNoOne()
    {
        Assert.Null(Verifier().Verify(Proof("CN=alice").WithoutCertificate(), ServiceId, out var needsCertificate));
        Assert.True(needsCertificate);
    }

    [Fact]
    public void Verify_CompactAfterWhole_NamesTheSubject()
    {
        var verifier = Verifier();
        var proof = Proof("CN=alice");
        Assert.Equal("CN=alice", verifier.Verify(proof, ServiceId, out _));
        Assert.Equal("CN=alice", verifier.Verify(proof.WithoutCertificate(), ServiceId, out var needsCertificate));
        Assert.False(needsCertificate);
    }

    [Fact]
    public void Verify_CompactWithAnotherSignature_IsNotTheCheckedOne()
    {
        var verifier = Verifier();
        var proof = Proof("CN=admin");
        Assert.NotNull(verifier.Verify(proof, ServiceId, out _));
        var forged = proof.WithoutCertificate() with { Signature = [.. proof.Signature.Select(b => (byte)(b ^ 0x5a))] };
        Assert.Null(verifier.Verify(forged, ServiceId, out var needsCertificate));
        Assert.True(needsCertificate); // asked for in full, where its signature will fail
        Assert.Null(verifier.Verify(forged with { Certificate = proof.Certificate }, ServiceId, out _));
    }

    [Fact]
    public void Verify_CompactPastItsLifetime_IsRefusedWithoutAsking()
    {
        var verifier = Verifier();
        var proof = Proof("CN=alice");
        Assert.NotNull(verifier.Verify(proof, ServiceId, out _));
        _time.Advance(ClientProof.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Null(verifier.Verify(proof.WithoutCertificate(), ServiceId, out var needsCertificate));
        Assert.False(needsCertificate);
    }
}
