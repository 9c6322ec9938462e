namespace Surge;

/// <summary>
/// Where a client proves who it is, once per session rather than with every call. The Surge client opens its session
/// as it connects and renews it every minute; until then a silo knows it by no name (the default role, if any).
/// </summary>
/// <remarks>
/// A session belongs to the Orleans client id of the caller, which its silo's access filter writes into
/// <see cref="SessionCredentials.Client"/>: whatever a client writes there is replaced. Any silo can then tell who a
/// call is from by its source id, and remembers that until the session's proof expires.
/// </remarks>
public interface ISurgeSessionGrain : IGrainWithIntegerKey
{
    /// <summary>Opens or renews the caller's session, and says who the silos take it for.</summary>
    Task<SurgeSession> OpenAsync(SessionCredentials credentials);
}

/// <summary>What a client proves itself with: an API key (<c>Surge:Client:ApiKey</c>), else a certificate proof.</summary>
/// <param name="ApiKey">The client's API key; null without one.</param>
/// <param name="Proof">A whole <see cref="ClientProof"/> as <see cref="ClientProof.ToWire"/> writes it; null without a client certificate.</param>
[GenerateSerializer, Immutable]
public sealed record SessionCredentials([property: Id(0)] string? ApiKey, [property: Id(1)] byte[]? Proof)
{
    /// <summary>The client the session is for: the silos' to set, from the call's source id.</summary>
    [Id(2)] public GrainId? Client { get; init; }
}

/// <summary>Who the silos take a client for in this session.</summary>
/// <param name="Name">Its name (the certificate subject, or the API key's name); null when not listed or security is off.</param>
/// <param name="Role">Its role; null: none, and every call that needs one is refused.</param>
/// <param name="Reason">How it was known, or why it has no role.</param>
/// <param name="ExpiresAt">When the session ends unless renewed; null when there is nothing to remember (security off, or no identity).</param>
[GenerateSerializer, Immutable]
public sealed record SurgeSession([property: Id(0)] string? Name, [property: Id(1)] SurgeRole? Role, [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset? ExpiresAt);
