using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Surge.Client.Security;
using Surge.Hosting.Security;
using Surge.Security;

namespace Surge.Hosting;

/// <summary>Mutual TLS on a silo from <c>Surge:Tls</c>.</summary>
public static class SurgeTlsExtensions
{
    /// <summary>
    /// Mutual TLS on this silo's gateway and silo-to-silo connections when <c>Surge:Tls</c> is set: clients and silos
    /// must present a certificate signed by its CA. Also lets the silos know clients by their certificates' subjects
    /// (<see cref="ClientProof"/>). Nothing when <c>Surge:Tls</c> is not set. <c>AddSurgeSilo</c> calls it.
    /// </summary>
    public static ISiloBuilder UseSurgeTls(this ISiloBuilder silo)
    {
        var options = EarlySettings.Read<SurgeTlsOptions>(silo.Configuration, silo.Services, SurgeTlsOptions.SiloSection);
        if (!options.Enabled) return silo;
        CertificateFiles files;
        try
        {
            files = new CertificateFiles(options, SurgeTlsOptions.SiloSection, TimeProvider.System);
        }
        catch (TlsFilesRefusedException refused)
        {
            // Read as the host is built, before anything can report it: thrown, it aborts the process with a trace. It
            // fails the start instead, with the other settings' failures (RunSurgeAsync: a line each, exit 1), which
            // comes before any hosted service starts, so the silo never listens, with or without TLS.
            silo.Services.AddOptions<RefusedTlsFiles>().Validate(_ => false, refused.Message).ValidateOnStart();
            return silo;
        }
        silo.UseTls(tls => TlsTrust.Configure(tls, files));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new CertificateFilesLogging<ISiloLifecycle>(files, sp.GetRequiredService<ILogger<CertificateFiles>>()));
        silo.Services.AddSingleton<IClientProofVerifier>(sp => new ClientProofVerifier(files, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return silo;
    }
}

/// <summary>Stands for TLS files refused as the host was built, so that the host's start fails with the reason.</summary>
internal sealed class RefusedTlsFiles;
