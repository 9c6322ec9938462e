namespace Surge.Security;

/// <summary>What a client's session credentials proved.</summary>
internal enum SessionProof
{
    /// <summary>Nothing: <see cref="SessionIdentity.Value"/> says why.</summary>
    None = 0,

    /// <summary>An API key: <see cref="SessionIdentity.Value"/> is its SHA-256, in hex.</summary>
    ApiKey = 1,

    /// <summary>A certificate's proof: <see cref="SessionIdentity.Value"/> is the certificate's subject.</summary>
    Certificate = 2,
}

/// <summary>What a client's session proved, kept (<see cref="IClientSessionGrain"/>) until it expires or is renewed.</summary>
[GenerateSerializer, Immutable]
internal sealed record SessionIdentity([property: Id(0)] SessionProof Proof, [property: Id(1)] string Value, [property: Id(2)] DateTimeOffset ExpiresAt);
