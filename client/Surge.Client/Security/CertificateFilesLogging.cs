using Microsoft.Extensions.Logging;

namespace Surge.Client.Security;

/// <summary>
/// Gives <see cref="CertificateFiles"/> the host's logger as the silo or client starts: the files are read while TLS is
/// set up on the builder, before the host's services exist, and are read again on handshakes afterwards.
/// </summary>
internal sealed class CertificateFilesLogging<TLifecycle>(CertificateFiles files, ILogger<CertificateFiles> logger) : ILifecycleParticipant<TLifecycle>
    where TLifecycle : ILifecycleObservable
{
    public CertificateFiles Files => files;

    public void Participate(TLifecycle lifecycle) => files.Logger = logger;
}
