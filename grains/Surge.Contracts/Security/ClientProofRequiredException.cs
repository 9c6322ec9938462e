namespace Surge;

/// <summary>
/// A silo was sent a <see cref="ClientProof"/> without its certificate and has not checked that proof before (it
/// restarted, joined after the client signed, or forgot it). Nothing ran. The Surge client answers by sending the
/// same proof with its certificate and repeating the call, once; other clients see it as a refusal.
/// </summary>
[GenerateSerializer]
public sealed class ClientProofRequiredException : Exception
{
    /// <summary>A request for the whole proof.</summary>
    public ClientProofRequiredException()
        : base("this silo has not seen the client's certificate proof yet; send it with its certificate and call again") { }
}
