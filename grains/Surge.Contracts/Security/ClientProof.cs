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
/// on, and calls reach grains on other silos. So the client sends this proof when it opens its session
/// (<see cref="ISurgeSessionGrain"/>), and again each time it renews it; silos remember the proofs they checked, by
/// signature, so a renewal with the same proof costs no signature check.
/// </remarks>
/// <param name="Certificate">The client certificate, DER-encoded (its public part only).</param>
/// <param name="IssuedAtUnixSeconds">When the client signed, in Unix seconds.</param>
/// <param name="Signature">The signature of <see cref="Statement"/> with the certificate's private key (ECDSA or RSA, SHA-256).</param>
public sealed record ClientProof(byte[] Certificate, long IssuedAtUnixSeconds, byte[] Signature)
{
    // Wire layout: a version byte, the time (8 bytes), the signature's length (2) and the signature, then the certificate.
    private const byte WireVersion = 1;
    private const int HeaderBytes = 1 + 8 + 2;
    private const int MaxSignatureBytes = 1024;
    private const int MaxCertificateBytes = 16 * 1024;

    /// <summary>How long a proof is accepted after it was signed; clients sign a new one at half this age.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The proof as it travels in <see cref="SessionCredentials.Proof"/>.</summary>
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
        if (signatureLength is 0 or > MaxSignatureBytes || certificateLength is <= 0 or > MaxCertificateBytes) return false;
        proof = new ClientProof(wire.AsSpan(HeaderBytes + signatureLength).ToArray(), BinaryPrimitives.ReadInt64LittleEndian(wire.AsSpan(1)),
            wire.AsSpan(HeaderBytes, signatureLength).ToArray());
        return true;
    }

    /// <summary>The signed text: the cluster's service id, so a proof for one cluster is no good for another, and the time.</summary>
    public static byte[] Statement(string serviceId, long issuedAtUnixSeconds)
        => System.Text.Encoding.UTF8.GetBytes($"surge-client-proof/1|{serviceId}|{issuedAtUnixSeconds}");
}
