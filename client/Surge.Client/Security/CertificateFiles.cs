using System.Security.Cryptography.X509Certificates;

namespace Surge.Client.Security;

/// <summary>
/// This side's certificate and the CAs it trusts, read from <see cref="SurgeTlsOptions"/>'s files and read again when
/// a file changes (checked at most every <see cref="RecheckEvery"/>), so a renewed certificate or CA bundle in a
/// mounted Secret is used for new connections without a restart.
/// </summary>
internal sealed class CertificateFiles
{
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(30);

    private readonly SurgeTlsOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private (X509Certificate2 Certificate, X509Certificate2Collection Authorities, DateTime Stamp) _loaded;
    private long _checkedAt;

    public CertificateFiles(SurgeTlsOptions options, string section, TimeProvider time)
    {
        if (options.Problems(section).ToList() is { Count: > 0 } problems) throw new InvalidOperationException(string.Join(" ", problems));
        (_options, _time) = (options, time);
        _loaded = Load();
        _checkedAt = time.GetTimestamp();
    }

    /// <summary>The clock certificates are checked against.</summary>
    public TimeProvider Time => _time;

    public X509Certificate2 Certificate => Current().Certificate;

    public X509Certificate2Collection Authorities => Current().Authorities;

    private (X509Certificate2 Certificate, X509Certificate2Collection Authorities, DateTime Stamp) Current()
    {
        lock (_lock)
        {
            if (_time.GetElapsedTime(_checkedAt) < RecheckEvery) return _loaded;
            _checkedAt = _time.GetTimestamp();
            // A Secret being rewritten can be read half-way: keep what works until the new files load.
            try
            {
                if (Stamp() != _loaded.Stamp) _loaded = Load();
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
            }
            return _loaded;
        }
    }

    private (X509Certificate2, X509Certificate2Collection, DateTime) Load()
    {
        var stamp = Stamp();
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(_options.AuthorityPath!);
        if (authorities.Count == 0) throw new InvalidOperationException($"'{_options.AuthorityPath}' holds no PEM certificate to trust.");
        return (LoadCertificate(_options), authorities, stamp);
    }

    public static X509Certificate2 LoadCertificate(SurgeTlsOptions options)
    {
        var path = options.CertificatePath!;
        if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.Password);
        using var pem = X509Certificate2.CreateFromPemFile(path, options.KeyPath);
        // Round-trip through PKCS#12: a key made from PEM is ephemeral, which TLS on some platforms cannot use.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private DateTime Stamp()
        => new[] { _options.CertificatePath, _options.KeyPath, _options.AuthorityPath }.OfType<string>().Select(File.GetLastWriteTimeUtc).Max();
}
