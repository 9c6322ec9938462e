using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Surge.Client.Security;
using Surge.Security;

namespace Surge.Hosting.Security;

/// <summary>
/// Checks client proofs against the CA of <c>Surge:Tls</c>. A client renews its session every minute with the same
/// proof for minutes, so each proof is checked once and remembered by its signature until it expires.
/// </summary>
internal sealed class ClientProofVerifier(CertificateFiles files, TimeProvider time) : IClientProofVerifier
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    // Far wider than skew and lifetime: a proof's time is the client's to write, and one past a date's range would throw.
    private const long MaxDistanceSeconds = 24 * 60 * 60;

    private readonly ConcurrentDictionary<byte[], (string Subject, ClientProof Proof)> _checked = new(SignatureComparer.Instance);

    public string? Verify(ClientProof proof, string serviceId)
    {
        var now = time.GetUtcNow();
        var key = proof.Signature;
        // The signature is over the time: with another time, or over another certificate, it is not the proof that was checked.
        if (_checked.TryGetValue(key, out var known) && known.Proof.IssuedAtUnixSeconds == proof.IssuedAtUnixSeconds
            && known.Proof.Certificate.AsSpan().SequenceEqual(proof.Certificate))
            return Fresh(proof, now) ? known.Subject : null;
        if (Check(proof, serviceId, now) is not { } subject) return null;
        if (_checked.Count >= MaxRemembered) _checked.Clear(); // many clients, or many proofs: start over rather than grow
        _checked[key] = (subject, proof);
        return subject;
    }

    private static bool Fresh(ClientProof proof, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        if (proof.IssuedAtUnixSeconds < seconds - MaxDistanceSeconds || proof.IssuedAtUnixSeconds > seconds + MaxDistanceSeconds) return false;
        var issued = DateTimeOffset.FromUnixTimeSeconds(proof.IssuedAtUnixSeconds);
        return issued <= now + ClockSkew && issued + ClientProof.Lifetime >= now;
    }

    private string? Check(ClientProof proof, string serviceId, DateTimeOffset now)
    {
        if (!Fresh(proof, now)) return null;
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(proof.Certificate);
            if (!TlsTrust.IsTrustedClient(certificate, files.Authorities, now.UtcDateTime)) return null;
            var statement = ClientProof.Statement(serviceId, proof.IssuedAtUnixSeconds);
            bool signed;
            using (var ec = certificate.GetECDsaPublicKey())
            using (var rsa = ec is null ? certificate.GetRSAPublicKey() : null)
            {
                signed = ec?.VerifyData(statement, proof.Signature, HashAlgorithmName.SHA256)
                    ?? rsa?.VerifyData(statement, proof.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                    ?? false;
            }
            return signed ? certificate.Subject : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    // A signature ends in random bytes (an encoded one may begin with a fixed header): its last four make a good hash.
    private sealed class SignatureComparer : IEqualityComparer<byte[]>
    {
        public static readonly SignatureComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] signature) => signature.Length >= 4 ? BitConverter.ToInt32(signature, signature.Length - 4) : signature.Length;
    }
}
