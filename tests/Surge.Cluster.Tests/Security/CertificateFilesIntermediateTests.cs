using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Surge.Client.Security;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// The start check refuses what a peer would refuse. With tls.crt = leaf + intermediate and ca.crt = the root only, this
/// side presents the leaf alone (TlsTrust.Configure: no SslStreamCertificateContext with the intermediates), and the
/// silo's proof verifier checks a client's certificate with no intermediates at all: such files must not pass the check
/// (the check once built the chain with the intermediates from tls.crt, and passed them).
/// </summary>
public sealed class CertificateFilesIntermediateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("surge-intermediate").FullName;

    [Fact]
    public void Create_LeafIssuedByAnIntermediate_AcceptedOnlyIfAPeerCanChainWhatIsPresented()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootReq = new CertificateRequest("CN=Review Root", rootKey, HashAlgorithmName.SHA256);
        rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var root = rootReq.CreateSelfSigned(now.AddHours(-1), now.AddDays(10));

        using var intKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intReq = new CertificateRequest("CN=Review Intermediate", intKey, HashAlgorithmName.SHA256);
        intReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var intPublic = intReq.Create(root, now.AddHours(-1), now.AddDays(5), [1, 2, 3, 4]);
        using var intermediate = intPublic.CopyWithPrivateKey(intKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafReq = new CertificateRequest("CN=leaf", leafKey, HashAlgorithmName.SHA256);
        using var leaf = leafReq.Create(intermediate, now.AddHours(-1), now.AddDays(1), [5, 6, 7, 8]);

        File.WriteAllText(Path.Combine(_dir, "ca.crt"), root.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "tls.crt"), leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "tls.key"), leafKey.ExportPkcs8PrivateKeyPem());

        var clock = new FakeTimeProvider(now);
        CertificateFiles files;
        try
        {
            files = new CertificateFiles(new SurgeTlsOptions { Directory = _dir }, SurgeTlsOptions.SiloSection, clock);
        }
        catch (InvalidOperationException)
        {
            return; // refused at the start: consistent with what peers see
        }
        // Accepted: then what this side presents (the leaf alone) must chain at a peer, and its proof must verify.
        Assert.True(TlsTrust.IsTrustedClient(files.Certificate, files.Authorities, now.UtcDateTime),
            "CertificateFiles accepted tls.crt (leaf + intermediate), but the silo's proof check (IsTrustedClient, no intermediates) refuses the leaf it presents");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
