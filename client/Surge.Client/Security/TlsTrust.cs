using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Surge.Client.Security;

/// <summary>How Surge sets up Orleans' TLS on both sides, and what "trusted" means: chains to the configured CA.</summary>
internal static class TlsTrust
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// Both sides present a certificate and require one (mutual TLS), signed by a CA of <paramref name="files"/>. The
    /// certificate is chosen per connection, so a renewed one is used from the next connection on.
    /// </summary>
    public static void Configure(TlsOptions tls, CertificateFiles files)
    {
        tls.LocalCertificate = files.Certificate;
        tls.LocalServerCertificateSelector = (_, _) => files.Certificate;
        tls.LocalClientCertificateSelector = (_, _, _, _, _) => files.Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, presented, errors) => IsTrusted(certificate, presented, errors, files.Authorities, files.Time.GetUtcNow().UtcDateTime);
    }

    // The machine's roots are not the cluster's: the chain is built again against the configured CAs only. Names are
    // not checked: silos are reached by IP address, and what makes a peer trusted is the CA that signed it.
    private static bool IsTrusted(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities, DateTime now)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return false;
        var intermediates = presented?.ChainElements.Select(e => e.Certificate).Skip(1) ?? [];
        return ChainsTo(certificate, authorities, intermediates, usage: null, now);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> at <paramref name="at"/>,
    /// valid for <paramref name="usage"/> when it is given (a certificate without key usages is valid for all).
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities, IEnumerable<X509Certificate2> intermediates, Oid? usage, DateTime at)
    {
        using var chain = Chain(authorities, intermediates, usage, at);
        return chain.Build(certificate);
    }

    /// <summary>
    /// Why this side's own <paramref name="certificate"/> would not chain to <paramref name="authorities"/> at a peer
    /// (as <see cref="IsTrusted"/> builds it), or null when it would.
    /// </summary>
    public static string? WhyNotChained(X509Certificate2 certificate, X509Certificate2Collection authorities, IEnumerable<X509Certificate2> intermediates, DateTime at)
    {
        using var chain = Chain(authorities, intermediates, usage: null, at);
        if (chain.Build(certificate)) return null;
        var statuses = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        return statuses.Count > 0 ? string.Join("; ", statuses) : "no chain to it";
    }

    private static X509Chain Chain(X509Certificate2Collection authorities, IEnumerable<X509Certificate2> intermediates, Oid? usage, DateTime at)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true; // the cluster's own CAs: nothing to fetch, and a handshake must not wait on the network
        chain.ChainPolicy.VerificationTime = at;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (usage is not null) chain.ChainPolicy.ApplicationPolicy.Add(usage);
        return chain;
    }

    /// <summary><see cref="ChainsTo"/> for a client certificate: client authentication.</summary>
    public static bool IsTrustedClient(X509Certificate2 certificate, X509Certificate2Collection authorities, DateTime at)
        => ChainsTo(certificate, authorities, [], ClientAuthentication, at);
}
