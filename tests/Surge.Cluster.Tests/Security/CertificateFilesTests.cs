using Microsoft.Extensions.Time.Testing;
using Surge.Client.Security;

namespace Surge.Cluster.Tests.Security;

/// <summary>Rotation: renewed files in a mounted Secret are read again without a restart; a half-written one is not taken.</summary>
public sealed class CertificateFilesTests : IDisposable
{
    private readonly ThrowawayCertificates _ca = ThrowawayCertificates.Create();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow); // the throwaway certificates are valid from an hour ago

    [Fact]
    public void Certificate_FilesRenewed_NewOneFromTheNextRecheck()
    {
        var mounted = _ca.Client("CN=first");
        var files = new CertificateFiles(new SurgeTlsOptions { Directory = mounted }, SurgeTlsOptions.SiloSection, _clock);
        Assert.Equal("CN=first", files.Certificate.Subject);

        Renew(mounted, _ca.Client("CN=second"));
        Assert.Equal("CN=first", files.Certificate.Subject); // files are looked at every RecheckEvery, not at each handshake
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=second", files.Certificate.Subject);
    }

    [Fact]
    public void Certificate_FileHalfWritten_KeepsTheOneThatWorks()
    {
        var mounted = _ca.Client("CN=first");
        var files = new CertificateFiles(new SurgeTlsOptions { Directory = mounted }, SurgeTlsOptions.SiloSection, _clock);

        File.WriteAllText(Path.Combine(mounted, "tls.crt"), "-----BEGIN CERTIFICATE-----\nMIIB");
        File.SetLastWriteTimeUtc(Path.Combine(mounted, "tls.crt"), DateTime.UtcNow.AddMinutes(1));
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);
    }

    [Fact]
    public void Create_AuthorityMissing_NamesTheSetting()
    {
        var mounted = _ca.Client("CN=first");
        File.Delete(Path.Combine(mounted, "ca.crt"));
        var refused = Assert.Throws<InvalidOperationException>(() => new CertificateFiles(new SurgeTlsOptions { Directory = mounted }, SurgeTlsOptions.ClientSection, _clock));
        Assert.Contains("Surge:Client:Tls:Authority", refused.Message);
    }

    private static void Renew(string mounted, string renewed)
    {
        foreach (var file in (string[])["tls.crt", "tls.key"])
        {
            File.Copy(Path.Combine(renewed, file), Path.Combine(mounted, file), overwrite: true);
            File.SetLastWriteTimeUtc(Path.Combine(mounted, file), DateTime.UtcNow.AddMinutes(1));
        }
    }

    public void Dispose() => _ca.Dispose();
}
