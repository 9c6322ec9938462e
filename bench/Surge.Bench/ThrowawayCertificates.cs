using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Surge.Testing;

/// <summary>
/// A throwaway CA and certificates signed by it, as PEM files in a temporary directory laid out as a mounted
/// Kubernetes TLS Secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>): one directory for the silos and one per
/// client. Made at run time for benchmarks and tests, valid for a day, deleted on dispose. Also compiled into the
/// cluster tests.
/// </summary>
internal sealed class ThrowawayCertificates : IDisposable
{
    private readonly X509Certificate2 _authority;

    private ThrowawayCertificates(string root, X509Certificate2 authority) => (Root, _authority) = (root, authority);

    public string Root { get; }

    /// <summary>The CA's PEM file.</summary>
    public string Authority => Path.Combine(Root, "ca.crt");

    /// <summary>The silos' directory: a certificate for both ends of a connection (server and client authentication).</summary>
    public string Silo => Path.Combine(Root, "silo");

    public static ThrowawayCertificates Create(string name = "Surge throwaway CA")
    {
        var root = Directory.CreateTempSubdirectory("surge-tls-").FullName;
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var authority = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
        File.WriteAllText(Path.Combine(root, "ca.crt"), authority.ExportCertificatePem());
        var certificates = new ThrowawayCertificates(root, authority);
        certificates.Issue("silo", "CN=surge-silo");
        return certificates;
    }

    /// <summary>
    /// A client certificate with <paramref name="subject"/> in its own directory, issued on first use; returns the
    /// directory.
    /// </summary>
    public string Client(string subject)
    {
        var directory = "client-" + string.Concat(subject.Where(char.IsLetterOrDigit));
        lock (_authority) return Directory.Exists(Path.Combine(Root, directory)) ? Path.Combine(Root, directory) : Issue(directory, subject);
    }

    /// <summary>
    /// A certificate valid only from <paramref name="from"/> to <paramref name="until"/> from now (within the CA's two
    /// days), in its own directory: an expired or a not yet valid one. Returns the directory.
    /// </summary>
    public string Dated(string subject, TimeSpan from, TimeSpan until)
    {
        var directory = $"dated-{string.Concat(subject.Where(char.IsLetterOrDigit))}-{from.Ticks}-{until.Ticks}";
        var now = DateTimeOffset.UtcNow;
        lock (_authority) return Directory.Exists(Path.Combine(Root, directory)) ? Path.Combine(Root, directory) : Issue(directory, subject, now + from, now + until);
    }

    private string Issue(string directory, string subject) => Issue(directory, subject, _authority.NotBefore, DateTimeOffset.UtcNow.AddDays(1));

    private string Issue(string directory, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, directory)).FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        // Within the CA's validity, which started an hour ago and ends in two days.
        using var issued = request.Create(_authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(dir, "tls.crt"), issued.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        File.Copy(Authority, Path.Combine(dir, "ca.crt"));
        return dir;
    }

    public void Dispose()
    {
        _authority.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
