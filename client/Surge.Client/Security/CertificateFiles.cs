using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Surge.Client.Security;

/// <summary>
/// This side's certificate and the CAs it trusts, read from <see cref="SurgeTlsOptions"/>'s files and read again when
/// a file changes (checked at most every <see cref="RecheckEvery"/>), so a renewed certificate or CA bundle in a
/// mounted Secret is used for new connections without a restart. Files a peer would refuse (<see cref="TlsMaterial"/>)
/// fail the start, and on a reload are refused: the certificate that works is kept.
/// </summary>
internal sealed partial class CertificateFiles
{
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(30);

    private readonly SurgeTlsOptions _options;
    private readonly string _section;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private TlsMaterial _loaded;
    private long _checkedAt;
    private DateTime? _refused;

    public CertificateFiles(SurgeTlsOptions options, string section, TimeProvider time)
    {
        if (options.Problems(section).ToList() is { Count: > 0 } problems) throw new InvalidOperationException(string.Join(" ", problems));
        (_options, _section, _time) = (options, section, time);
        _loaded = TlsMaterial.Read(options, section, time.GetUtcNow().UtcDateTime, Stamp());
        _checkedAt = time.GetTimestamp();
    }

    /// <summary>
    /// Where a refused reload is said: the host's logger, set once its services exist (the files are read before
    /// them, as TLS is set up on the builder).
    /// </summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>The clock certificates are checked against.</summary>
    public TimeProvider Time => _time;

    public X509Certificate2 Certificate => Current().Certificate;

    public X509Certificate2Collection Authorities => Current().Authorities;

    // Called on every handshake (never throws there: a connection is not the place to learn of a bad file).
    private TlsMaterial Current()
    {
        lock (_lock)
        {
            if (_time.GetElapsedTime(_checkedAt) < RecheckEvery) return _loaded;
            _checkedAt = _time.GetTimestamp();
            var stamp = Stamp();
            if (stamp == _loaded.Stamp) return _loaded;
            try
            {
                _loaded = TlsMaterial.Read(_options, _section, _time.GetUtcNow().UtcDateTime, stamp);
                _refused = null;
                LogReloaded(Logger, _loaded.Certificate.Subject, _loaded.Certificate.NotAfter.ToUniversalTime(), _options.CertificatePath!);
            }
            catch (TlsFilesRefusedException e)
            {
                // Files being rewritten, or a certificate not valid yet (a clock behind the issuer's) become good without
                // another change: they are read again at each recheck, and said once.
                if (_refused != stamp) LogRefused(Logger, e.Message, _loaded.Certificate.Subject, _loaded.Certificate.NotAfter.ToUniversalTime());
                _refused = stamp;
            }
            return _loaded;
        }
    }

    private DateTime Stamp()
        => new[] { _options.CertificatePath, _options.KeyPath, _options.AuthorityPath }.OfType<string>().Select(File.GetLastWriteTimeUtc).Max();

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS files read again: presenting {Subject} from '{Path}', valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS files changed but are refused: {Problem} Still presenting {Subject}, valid until {NotAfter:u}; the files are read again every 30 s")]
    private static partial void LogRefused(ILogger logger, string problem, string subject, DateTime notAfter);
}
