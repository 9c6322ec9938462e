namespace Surge.Security;

/// <summary>
/// Checks a <see cref="ClientProof"/> against the cluster's trusted CA; registered by the host when TLS is on
/// (<c>Surge:Tls</c>). Without one, certificate proofs are ignored and only API keys identify clients.
/// </summary>
internal interface IClientProofVerifier
{
    /// <summary>The subject of the proof's certificate when it chains to a trusted CA and its signature is good and fresh; else null.</summary>
    string? Verify(ClientProof proof, string serviceId);
}
