using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Surge.Client.Security;

/// <summary>
/// This side's certificate and the CAs it trusts, read from <see cref="SurgeTlsOptions"/>'s files and checked as a peer
/// would check them: a certificate every peer refuses is refused here, before it is presented.
/// </summary>
internal sealed record TlsMaterial(X509Certificate2 Certificate, X509Certificate2Collection Authorities, DateTime Stamp)
{
    /// <summary>
    /// Reads the files of <paramref name="options"/> and checks them at <paramref name="at"/>; throws
    /// <see cref="TlsFilesRefusedException"/> naming the setting, the file, the reason and the fix.
    /// </summary>
    public static TlsMaterial Read(SurgeTlsOptions options, string section, DateTime at, DateTime stamp)
    {
        var authorities = ReadAuthorities(options, section);
        var certificate = ReadCertificate(options, section);
        var named = $"{section}:Certificate '{options.CertificatePath}' ({certificate.Subject})";
        if (at < certificate.NotBefore.ToUniversalTime())
            throw new TlsFilesRefusedException($"{named} is not valid until {certificate.NotBefore.ToUniversalTime():u} (it is {at:u} here); check this machine's clock, or mount a certificate valid now.");
        if (at > certificate.NotAfter.ToUniversalTime())
            throw new TlsFilesRefusedException($"{named} expired on {certificate.NotAfter.ToUniversalTime():u}; renew it (cert-manager renews a Secret's tls.crt before it expires) or mount a current one.");
        // The chain a peer builds (TlsTrust), built here first: a certificate it would refuse splits the cluster. A peer
        // gets this certificate alone, not the intermediates after it in tls.crt, so it is checked alone.
        if (TlsTrust.WhyNotChained(certificate, authorities, [], at) is { } why)
            throw new TlsFilesRefusedException($"{named} is not signed by a CA in {section}:Authority '{options.AuthorityPath}' ({why}); mount a certificate that CA issued, or add the CA that issued it (an intermediate CA too: only the certificate itself is presented, not the intermediates after it in tls.crt).");
        return new TlsMaterial(certificate, authorities, stamp);
    }

    private static X509Certificate2Collection ReadAuthorities(SurgeTlsOptions options, string section)
    {
        var path = options.AuthorityPath!;
        const string Fix = "give the PEM file of the CA that signs the cluster's certificates (ca.crt of the TLS Secret).";
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw new TlsFilesRefusedException($"{section}:Authority '{path}' could not be read ({e.Message}); {Fix}");
        }
        // An empty file, or one being written: nothing to trust is not "trust nothing", it is a file not there yet.
        if (authorities.Count == 0) throw new TlsFilesRefusedException($"{section}:Authority '{path}' holds no PEM certificate (empty, or written half-way); {Fix}");
        return authorities;
    }

    private static X509Certificate2 ReadCertificate(SurgeTlsOptions options, string section)
    {
        var path = options.CertificatePath!;
        if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            X509Certificate2 pfx;
            try
            {
                pfx = X509CertificateLoader.LoadPkcs12FromFile(path, options.Password);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                throw new TlsFilesRefusedException($"{section}:Certificate '{path}' could not be read ({e.Message}); check {section}:Password, or mount the PFX the cluster's CA issued.");
            }
            return pfx.HasPrivateKey ? pfx
                : throw new TlsFilesRefusedException($"{section}:Certificate '{path}' ({pfx.Subject}) holds no private key; export the PFX with its key.");
        }
        // Read alone first, so that a failure of the pair below is the key's.
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(path);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw new TlsFilesRefusedException($"{section}:Certificate '{path}' could not be read ({e.Message}); mount the PEM certificate the cluster's CA issued (tls.crt of the TLS Secret).");
        }
        if (chain.Count == 0)
            throw new TlsFilesRefusedException($"{section}:Certificate '{path}' holds no PEM certificate (empty, or written half-way); mount the PEM certificate the cluster's CA issued (tls.crt of the TLS Secret).");
        var keyPath = options.KeyPath ?? path;
        var key = $"{section}:{(options.KeyPath is null ? "Certificate" : "Key")} '{keyPath}'";
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(path, options.KeyPath);
            // Round-trip through PKCS#12: a key made from PEM is ephemeral, which TLS on some platforms cannot use.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (ArgumentException)
        {
            // X509Certificate2.CopyWithPrivateKey's answer to a key of another certificate, as a renewal written half-way leaves.
            throw new TlsFilesRefusedException($"{key} does not match the certificate in '{path}'; mount the key issued with that certificate.");
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw new TlsFilesRefusedException($"{key} holds no usable private key for '{path}' ({e.Message}); mount the PEM private key issued with that certificate.");
        }
    }

    private static bool IsUnreadable(Exception e) => e is IOException or UnauthorizedAccessException or CryptographicException;
}

/// <summary>TLS files that a peer would refuse, or that cannot be read; the message names the setting, the file and the fix.</summary>
internal sealed class TlsFilesRefusedException(string message) : InvalidOperationException(message);
