using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Surge.Client.Security;

/// <summary>
/// Who this client is, as it opens and renews its session (<see cref="ClientSession"/>): its API key
/// (<c>Surge:Client:ApiKey</c>) and, with TLS, a <see cref="ClientProof"/> signed with its certificate's key, signed
/// again at half its lifetime.
/// </summary>
internal sealed class ClientCredentials(string? apiKey, CertificateFiles? certificates, IOptions<Orleans.Configuration.ClusterOptions> cluster, TimeProvider time)
{
    private readonly Lock _lock = new();
    private (long IssuedAt, byte[] Wire)? _proof;

    public string? ApiKey { get; } = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;

    /// <summary>The credentials to open or renew the session with now.</summary>
    public SessionCredentials Current() => new(ApiKey, Proof());

    private byte[]? Proof()
    {
        if (certificates is null) return null;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            if (_proof is not { } proof || now - proof.IssuedAt >= ClientProof.Lifetime.TotalSeconds / 2)
                _proof = proof = (now, Sign(certificates.Certificate, cluster.Value.ServiceId, now).ToWire());
            return proof.Wire;
        }
    }

    public static ClientProof Sign(X509Certificate2 certificate, string serviceId, long issuedAt)
    {
        var statement = ClientProof.Statement(serviceId, issuedAt);
        var signature = certificate.GetECDsaPrivateKey() is { } ec ? Using(ec, k => k.SignData(statement, HashAlgorithmName.SHA256))
            : certificate.GetRSAPrivateKey() is { } rsa ? Using(rsa, k => k.SignData(statement, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            : throw new InvalidOperationException($"the client certificate {certificate.Subject} has no ECDSA or RSA private key to sign with");
        return new ClientProof(certificate.RawData, issuedAt, signature);
    }

    private static byte[] Using<T>(T key, Func<T, byte[]> sign) where T : IDisposable
    {
        using (key) return sign(key);
    }
}
