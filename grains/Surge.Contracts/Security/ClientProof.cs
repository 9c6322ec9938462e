using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Surge;

/// <summary>
/// What a client sends (in Orleans' request context) to prove it holds its certificate's private key:
/// its certificate and a signature over <see cref="Statement"/>. A silo accepts it when the certificate chains to the
/// cluster's trusted CA and the signature is fresh; the certificate's subject is then the caller's identity.
/// </summary>
/// <remarks>
/// The gateway's TLS handshake checks the certificate too, but a grain call filter never sees the connection a call came
/// on, and calls reach grains on other silos; this proof travels with each call so any silo can check it. A silo
/// remembers the proofs it checked, by signature: so calls carry the proof <see cref="WithoutCertificate"/>, a tenth of
/// its size, and a silo that does not know it yet asks for the whole proof once (<see cref="ClientProofRequiredException"/>).
/// It travels as bytes (<see cref="ToWire"/>): Orleans writes a byte array in a request context as it is, where a record
/// would cost its type's name and a look-up on every call.
/// </remarks>
/// <param name="Certificate">The client certificate, DER-encoded (its public part only); empty when left out.</param>
/// <param name="IssuedAtUnixSeconds">When the client signed, in Unix seconds.</param>
/// <param name="Signature">The signature of <see cref="Statement"/> with the certificate's private key (ECDSA or RSA, SHA-256).</param>
public sealed record ClientProof(byte[] Certificate, long IssuedAtUnixSeconds, byte[] Signature)
{
    // Wire layout: a version byte, the time (8 bytes), the signature's length (2) and the signature, then the certificate.
    private const byte WireVersion = 1;
    private const int HeaderBytes = 1 + 8 + 2;
    private const int MaxSignatureBytes = 1024;
    private const int MaxCertificateBytes = 16 * 1024;

    /// <summary>Request-context key of the proof.</summary>
    public const string ContextKey = "surge.proof";

    /// <summary>Request-context key of an API key (<c>Surge:Client:ApiKey</c>).</summary>
    public const string ApiKeyContextKey = "surge.key";

    /// <summary>How long a proof is accepted after it was signed; clients sign a new one at half this age.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>True when the certificate was left out: only a silo that checked this proof before can accept it.</summary>
    public bool IsCompact => Certificate.Length == 0;

    /// <summary>The same proof without its certificate: what a client sends once silos know the proof.</summary>
    public ClientProof WithoutCertificate() => IsCompact ? this : this with { Certificate = [] };

    /// <summary>The proof as it travels in the request context.</summary>
    public byte[] ToWire()
    {
        var wire = new byte[HeaderBytes + Signature.Length + Certificate.Length];
        wire[0] = WireVersion;
        BinaryPrimitives.WriteInt64LittleEndian(wire.AsSpan(1), IssuedAtUnixSeconds);
        BinaryPrimitives.WriteUInt16LittleEndian(wire.AsSpan(9), checked((ushort)Signature.Length));
        Signature.CopyTo(wire, HeaderBytes);
        Certificate.CopyTo(wire, HeaderBytes + Signature.Length);
        return wire;
    }

    /// <summary>Reads a proof written by <see cref="ToWire"/>; false for anything else, or sizes past the bounds.</summary>
    public static bool TryFromWire(byte[] wire, [NotNullWhen(true)] out ClientProof? proof)
    {
        proof = null;
        if (wire.Length < HeaderBytes || wire[0] != WireVersion) return false;
        var signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(wire.AsSpan(9));
        var certificateLength = wire.Length - HeaderBytes - signatureLength;
        if (signatureLength is 0 or > MaxSignatureBytes || certificateLength is < 0 or > MaxCertificateBytes) return false;
        proof = new ClientProof(wire.AsSpan(HeaderBytes + signatureLength).ToArray(), BinaryPrimitives.ReadInt64LittleEndian(wire.AsSpan(1)),
            wire.AsSpan(HeaderBytes, signatureLength).ToArray());
        return true;
    }

    /// <summary>The signed text: the cluster's service id, so a proof for one cluster is no good for another, and the time.</summary>
    public static byte[] Statement(string serviceId, long issuedAtUnixSeconds)
        => System.Text.Encoding.UTF8.GetBytes($"surge-client-proof/1|{serviceId}|{issuedAtUnixSeconds}");
}
