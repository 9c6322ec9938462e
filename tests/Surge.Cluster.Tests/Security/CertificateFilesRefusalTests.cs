using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Surge.Client.Security;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// Files a peer would refuse are refused here first: at start-up with an error naming the file and the fix, and on a
/// reload by keeping the certificate that works, with a warning naming the file and the reason.
/// </summary>
public sealed class CertificateFilesRefusalTests : IDisposable
{
    private readonly ThrowawayCertificates _ca = ThrowawayCertificates.Create();
    private readonly ThrowawayCertificates _rogue = ThrowawayCertificates.Create("Rogue CA");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly FakeLogger<CertificateFiles> _log = new();

    public static TheoryData<string> BrokenAuthorities => new()
    {
        "",
        "  \n\n",
        "-----BEGIN CERTIFICATE-----\nMIIB",
        "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHB\n-----END CERTIFICATE-----\n",
    };

    [Theory]
    [MemberData(nameof(BrokenAuthorities))]
    public void Create_AuthorityEmptyOrHalfWritten_NamesTheFileAndTheFix(string authority)
    {
        var mounted = _ca.Client("CN=first");
        File.WriteAllText(Path.Combine(mounted, "ca.crt"), authority);
        var refused = Assert.ThrowsAny<InvalidOperationException>(() => Open(mounted));
        Assert.Contains($"Surge:Tls:Authority '{Path.Combine(mounted, "ca.crt")}'", refused.Message);
        Assert.Contains("PEM file of the CA", refused.Message);
    }

    [Fact]
    public void Create_CertificateExpired_NamesTheFileAndTheFix()
    {
        var refused = Assert.ThrowsAny<InvalidOperationException>(() => Open(_ca.Dated("CN=old", TimeSpan.FromMinutes(-30), TimeSpan.FromMinutes(-10))));
        Assert.Matches("Surge:Tls:Certificate '.*tls.crt' .*expired .*; renew", refused.Message);
    }

    [Fact]
    public void Create_CertificateNotYetValid_NamesTheFileAndTheFix()
    {
        var refused = Assert.ThrowsAny<InvalidOperationException>(() => Open(_ca.Dated("CN=early", TimeSpan.FromHours(1), TimeSpan.FromDays(1))));
        Assert.Matches("Surge:Tls:Certificate '.*tls.crt' .*not valid until .*clock", refused.Message);
    }

    [Fact]
    public void Create_CertificateOfAnotherCa_NamesTheFileAndTheAuthority()
    {
        var mounted = _ca.Client("CN=first");
        CopyInto(mounted, _rogue.Client("CN=rogue"), ["tls.crt", "tls.key"]);
        var refused = Assert.ThrowsAny<InvalidOperationException>(() => Open(mounted));
        Assert.Contains($"Surge:Tls:Certificate '{Path.Combine(mounted, "tls.crt")}'", refused.Message);
        Assert.Contains($"'{Path.Combine(mounted, "ca.crt")}'", refused.Message);
    }

    [Fact]
    public void Create_KeyOfAnotherCertificate_NamesTheKeyFile()
    {
        var mounted = _ca.Client("CN=first");
        CopyInto(mounted, _ca.Client("CN=other"), ["tls.key"]);
        var refused = Assert.ThrowsAny<InvalidOperationException>(() => Open(mounted));
        Assert.Contains($"Surge:Tls:Key '{Path.Combine(mounted, "tls.key")}' does not match", refused.Message);
    }

    [Fact]
    public void Certificate_RenewedWithAnExpiredOne_KeepsThePreviousAndSaysWhyOnce()
    {
        var mounted = _ca.Client("CN=first");
        var files = Open(mounted);
        CopyInto(mounted, _ca.Dated("CN=old", TimeSpan.FromMinutes(-30), TimeSpan.FromMinutes(-10)), ["tls.crt", "tls.key"]);

        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);
        var warning = Assert.Single(Warnings()); // the same refused files, read again: said once
        Assert.Matches("'.*tls.crt' .*expired", warning);
        Assert.Contains("CN=first", warning);
    }

    [Fact]
    public void Certificate_RenewedWithOneOfAnotherCa_KeepsThePreviousAndSaysWhy()
    {
        var mounted = _ca.Client("CN=first");
        var files = Open(mounted);
        CopyInto(mounted, _rogue.Client("CN=rogue"), ["tls.crt", "tls.key"]);

        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);
        Assert.Contains($"'{Path.Combine(mounted, "ca.crt")}'", Assert.Single(Warnings()));
    }

    [Fact]
    public void Certificate_RenewedCertificateBeforeItsKey_KeepsThePreviousThenTakesBoth()
    {
        var mounted = _ca.Client("CN=first");
        var files = Open(mounted);
        var renewed = _ca.Client("CN=second");
        CopyInto(mounted, renewed, ["tls.crt"]);

        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);
        Assert.Contains($"'{Path.Combine(mounted, "tls.key")}' does not match", Assert.Single(Warnings()));

        CopyInto(mounted, renewed, ["tls.key"], later: 2);
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=second", files.Certificate.Subject);
    }

    [Theory]
    [MemberData(nameof(BrokenAuthorities))]
    public void Certificate_AuthorityEmptiedOrHalfWritten_KeepsThePreviousAndSaysWhy(string authority)
    {
        var mounted = _ca.Client("CN=first");
        var files = Open(mounted);
        Write(mounted, "ca.crt", authority);

        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);
        Assert.NotEmpty(files.Authorities);
        Assert.Contains($"'{Path.Combine(mounted, "ca.crt")}'", Assert.Single(Warnings()));
    }

    [Fact]
    public void Certificate_AuthorityWrittenAgainWhole_TakesTheRenewedFilesAtTheNextRecheck()
    {
        var mounted = _ca.Client("CN=first");
        var files = Open(mounted);
        Write(mounted, "ca.crt", "");
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);

        CopyInto(mounted, _ca.Client("CN=second"), ["tls.crt", "tls.key"], later: 2);
        Write(mounted, "ca.crt", File.ReadAllText(_ca.Authority), later: 2);
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=second", files.Certificate.Subject);
    }

    [Fact]
    public void Certificate_RenewedWithOneNotYetValid_TakenOnceItIs()
    {
        // A clock a little behind the issuer's: the files do not change again, the time does.
        var mounted = _ca.Client("CN=first");
        var files = Open(mounted);
        CopyInto(mounted, _ca.Dated("CN=early", TimeSpan.FromHours(1), TimeSpan.FromDays(1)), ["tls.crt", "tls.key"]);
        _clock.Advance(CertificateFiles.RecheckEvery);
        Assert.Equal("CN=first", files.Certificate.Subject);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("CN=early", files.Certificate.Subject);
    }

    private CertificateFiles Open(string mounted)
        => new(new SurgeTlsOptions { Directory = mounted }, SurgeTlsOptions.SiloSection, _clock) { Logger = _log };

    private IEnumerable<string> Warnings() => _log.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message);

    // Written as a rotation writes them: a later time on each file, so a recheck sees the change.
    private static void CopyInto(string mounted, string from, string[] files, int later = 1)
    {
        foreach (var file in files) Write(mounted, file, File.ReadAllText(Path.Combine(from, file)), later);
    }

    private static void Write(string mounted, string file, string text, int later = 1)
    {
        File.WriteAllText(Path.Combine(mounted, file), text);
        File.SetLastWriteTimeUtc(Path.Combine(mounted, file), DateTime.UtcNow.AddMinutes(later));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _rogue.Dispose();
    }
}
