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
/// </remarks>
/// <param name="Certificate">The client certificate, DER-encoded (its public part only); empty when left out.</param>
/// <param name="IssuedAtUnixSeconds">When the client signed, in Unix seconds.</param>
/// <param name="Signature">The signature of <see cref="Statement"/> with the certificate's private key (ECDSA or RSA, SHA-256).</param>
[GenerateSerializer, Immutable]
public sealed record ClientProof(
    [property: Id(0)] byte[] Certificate,
    [property: Id(1)] long IssuedAtUnixSeconds,
    [property: Id(2)] byte[] Signature)
{
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

    /// <summary>The signed text: the cluster's service id, so a proof for one cluster is no good for another, and the time.</summary>
    public static byte[] Statement(string serviceId, long issuedAtUnixSeconds)
        => System.Text.Encoding.UTF8.GetBytes($"surge-client-proof/1|{serviceId}|{issuedAtUnixSeconds}");
}
