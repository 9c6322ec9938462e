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
    private SignedProof? _proof;

    public string? ApiKey { get; } = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;

    /// <summary>The current proof, whole and without its certificate; null without a client certificate.</summary>
    public SignedProof? Proof
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
                {
                    var whole = Sign(certificates.Certificate, cluster.Value.ServiceId, now);
                    Volatile.Write(ref _proof, new SignedProof(now, whole.ToWire(), whole.WithoutCertificate().ToWire()));
                }
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

/// <summary>A proof as it is sent (<see cref="ClientProof.ToWire"/>): whole, and without its certificate; made once, not per call.</summary>
internal sealed record SignedProof(long IssuedAtUnixSeconds, byte[] Whole, byte[] Compact);

/// <summary>
/// Puts the client's credentials in the request context of each call it makes. The proof goes without its certificate
/// (silos remember the proofs they checked); a silo that does not know it answers
/// <see cref="ClientProofRequiredException"/> without running anything, and the call is sent again with the whole
/// proof. One-way calls get no answer, so they always carry the whole proof.
/// </summary>
internal sealed class ClientCredentialsFilter(ClientCredentials credentials) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (credentials.ApiKey is { } key) RequestContext.Set(ClientProof.ApiKeyContextKey, key);
        if (credentials.Proof is not { } proof) return context.Invoke();
        if (context.Request is IRequest request && (request.Options & Orleans.CodeGeneration.InvokeMethodOptions.OneWay) != 0)
        {
            RequestContext.Set(ClientProof.ContextKey, proof.Whole);
            return context.Invoke();
        }
        return InvokeCompactAsync(context, proof);
    }

    private static async Task InvokeCompactAsync(IOutgoingGrainCallContext context, SignedProof proof)
    {
        RequestContext.Set(ClientProof.ContextKey, proof.Compact);
        try
        {
            await context.Invoke();
            // Orleans hands an exception back either way: thrown from the call, or in its response.
            if (context.Response?.Exception is not ClientProofRequiredException) return;
        }
        catch (ClientProofRequiredException)
        {
        }
        RequestContext.Set(ClientProof.ContextKey, proof.Whole);
        await context.Invoke();
    }
}
