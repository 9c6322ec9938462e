namespace Surge.Client.Security;

/// <summary>
/// Mutual TLS files: <c>Surge:Tls</c> on silos, <c>Surge:Client:Tls</c> on clients. Either a <see cref="Directory"/> a
/// Kubernetes TLS Secret is mounted at (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>), or the files one by one. TLS is
/// on when either is set, and off (plain TCP) when neither is: the embedded default.
/// </summary>
public sealed class SurgeTlsOptions
{
    /// <summary>A silo's section: its gateway and silo-to-silo connections.</summary>
    public const string SiloSection = "Surge:Tls";

    /// <summary>A client's section: its connections to the gateways.</summary>
    public const string ClientSection = "Surge:Client:Tls";

    /// <summary>A directory holding <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c>, as a mounted <c>kubernetes.io/tls</c> Secret does.</summary>
    public string? Directory { get; set; }

    /// <summary>This side's certificate: a PEM file (with <see cref="Key"/>, or with the key in the same file), or a PFX/PKCS#12 file (<c>.pfx</c>, <c>.p12</c>).</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of <see cref="Certificate"/>; omit when the certificate file holds it or is a PFX.</summary>
    public string? Key { get; set; }

    /// <summary>Password of a PFX <see cref="Certificate"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// PEM bundle of the CA certificates to trust: the other side's certificate must chain to one of them. Default:
    /// <c>ca.crt</c> in <see cref="Directory"/>. Required: Surge never trusts the machine's public roots for its cluster.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>True when a directory or a certificate file is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Directory) || !string.IsNullOrWhiteSpace(Certificate);

    internal string? CertificatePath => Certificate ?? In("tls.crt");
    internal string? KeyPath => Key ?? (Certificate is null ? In("tls.key") : null);
    internal string? AuthorityPath => Authority ?? In("ca.crt");

    private string? In(string file) => string.IsNullOrWhiteSpace(Directory) ? null : Path.Combine(Directory, file);

    /// <summary>What is wrong with these settings (files that do not exist, a missing CA), for start-up validation.</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (!Enabled) yield break;
        if (!string.IsNullOrWhiteSpace(Directory) && !System.IO.Directory.Exists(Directory))
            yield return $"{section}:Directory '{Directory}' does not exist; mount the TLS Secret there or set Certificate, Key and Authority.";
        foreach (var (key, path) in new (string, string?)[] { ("Certificate", CertificatePath), ("Key", KeyPath), ("Authority", AuthorityPath) })
        {
            if (path is not null && !File.Exists(path)) yield return $"{section}:{key}: '{path}' does not exist.";
        }
        if (AuthorityPath is null) yield return $"{section}:Authority is not set; give the PEM file of the CA that signs the cluster's certificates.";
    }
}
