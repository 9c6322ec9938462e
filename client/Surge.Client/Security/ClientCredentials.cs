using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Surge.Client.Security;

/// <summary>
/// Who this client is, sent with every call: its API key (<c>Surge:Client:ApiKey</c>) and, with TLS, a
/// <see cref="ClientProof"/> signed with its certificate's key, signed again at half its lifetime.
/// </summary>
internal sealed class ClientCredentials(string? apiKey, CertificateFiles? certificates, IOptions<Orleans.Configuration.ClusterOptions> cluster, TimeProvider time)
{
    private readonly Lock _lock = new();
    private ClientProof? _proof;

    public string? ApiKey { get; } = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;

    public ClientProof? Proof
    {
        get
        {
            if (certificates is null) return null;
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            // Every call reads it; only one in minutes signs a new one.
            if (Volatile.Read(ref _proof) is { } fresh && now - fresh.IssuedAtUnixSeconds < ClientProof.Lifetime.TotalSeconds / 2) return fresh;
            lock (_lock)
            {
                if (_proof is null || now - _proof.IssuedAtUnixSeconds >= ClientProof.Lifetime.TotalSeconds / 2)
                    Volatile.Write(ref _proof, Sign(certificates.Certificate, cluster.Value.ServiceId, now));
                return _proof;
            }
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

/// <summary>Puts the client's credentials in the request context of each call it makes.</summary>
internal sealed class ClientCredentialsFilter(ClientCredentials credentials) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (credentials.ApiKey is { } key) RequestContext.Set(ClientProof.ApiKeyContextKey, key);
        if (credentials.Proof is { } proof) RequestContext.Set(ClientProof.ContextKey, proof);
        return context.Invoke();
    }
}
