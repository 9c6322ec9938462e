using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Surge.Client.Security;
using Surge.Security;

namespace Surge.Hosting.Security;

/// <summary>
/// Checks client proofs against the CA of <c>Surge:Tls</c>. A client sends the same proof with every call for minutes,
/// so each is checked once and remembered by its signature until it expires; after that the client leaves out the
/// certificate, and the signature alone finds what was checked.
/// </summary>
internal sealed class ClientProofVerifier(CertificateFiles files, TimeProvider time) : IClientProofVerifier
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<byte[], (string Subject, long ExpiresAt)> _checked = new(SignatureComparer.Instance);

    public string? Verify(ClientProof proof, string serviceId, out bool needsCertificate)
    {
        var now = time.GetUtcNow();
        var key = proof.Signature;
        needsCertificate = false;
        if (_checked.TryGetValue(key, out var known) && known.ExpiresAt > now.ToUnixTimeSeconds()) return known.Subject;
        if (proof.IsCompact)
        {
            // Unknown here, or expired: a fresh one is worth asking for in full; an old one would fail the check anyway.
            needsCertificate = DateTimeOffset.FromUnixTimeSeconds(proof.IssuedAtUnixSeconds) + ClientProof.Lifetime > now;
            return null;
        }
        if (Check(proof, serviceId, now) is not { } subject) return null;
        if (_checked.Count >= MaxRemembered) _checked.Clear(); // many clients, or many proofs: start over rather than grow
        _checked[key] = (subject, proof.IssuedAtUnixSeconds + (long)ClientProof.Lifetime.TotalSeconds);
        return subject;
    }

    private string? Check(ClientProof proof, string serviceId, DateTimeOffset now)
    {
        var issued = DateTimeOffset.FromUnixTimeSeconds(proof.IssuedAtUnixSeconds);
        if (issued > now + ClockSkew || issued + ClientProof.Lifetime < now) return null;
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
