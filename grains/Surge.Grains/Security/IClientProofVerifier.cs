namespace Surge.Security;

/// <summary>
/// Checks a <see cref="ClientProof"/> against the cluster's trusted CA; registered by the host when TLS is on
/// (<c>Surge:Tls</c>). Without one, certificate proofs are ignored and only API keys identify clients.
/// </summary>
internal interface IClientProofVerifier
{
    /// <summary>
    /// The subject of the proof's certificate when it chains to a trusted CA and its signature is good and fresh; else
    /// null, with <paramref name="needsCertificate"/> set when the proof came without its certificate and is not one
    /// this silo checked before (the caller should be asked for the whole proof, not refused).
    /// </summary>
    string? Verify(ClientProof proof, string serviceId, out bool needsCertificate);
}
