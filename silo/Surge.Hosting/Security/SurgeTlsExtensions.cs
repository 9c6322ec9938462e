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
        var options = silo.Configuration.GetSection(SurgeTlsOptions.SiloSection).Get<SurgeTlsOptions>() ?? new SurgeTlsOptions();
        if (!options.Enabled) return silo;
        var files = new CertificateFiles(options, SurgeTlsOptions.SiloSection, TimeProvider.System);
        silo.UseTls(tls => TlsTrust.Configure(tls, files));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new CertificateFilesLogging<ISiloLifecycle>(files, sp.GetRequiredService<ILogger<CertificateFiles>>()));
        silo.Services.AddSingleton<IClientProofVerifier>(sp => new ClientProofVerifier(files, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return silo;
    }
}
