using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Surge.Security;

/// <summary>A client as the silos know it: its name (null while security is off or it is not listed) and its role (null: none).</summary>
internal readonly record struct Caller(string? Name, SurgeRole? Role, string Reason);

/// <summary>
/// Who a client is: what its session credentials prove (<see cref="Verify"/>), and the name and role that proof has on
/// this silo (<see cref="Resolve"/>): an API key listed in <c>Surge:Security:Clients</c>, else a certificate whose
/// subject is listed, else the default role.
/// </summary>
/// <remarks>
/// A session keeps what was proven, not the role: each silo maps it with its own <c>Surge:Security:Clients</c>, so a
/// client taken off the list is refused by every silo that has the new list, whatever it proved before.
/// </remarks>
internal sealed class ClientIdentities
{
    public static readonly Caller Everyone = new(null, SurgeRole.Admin, "security is off");

    private readonly Dictionary<string, SecurityClient> _byKeyHash;
    private readonly Dictionary<string, SecurityClient> _bySubject;
    private readonly IClientProofVerifier? _verifier;
    private readonly SurgeRole? _defaultRole;
    private readonly string _serviceId;

    public ClientIdentities(IOptions<SecurityOptions> options, IOptions<Orleans.Configuration.ClusterOptions> cluster, IClientProofVerifier? verifier = null)
    {
        var o = options.Value;
        Enabled = o.Enabled ?? (o.Clients.Count > 0 || verifier is not null);
        _byKeyHash = o.Clients.Where(c => c.ApiKey is not null).GroupBy(c => Hash(c.ApiKey!), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _bySubject = o.Clients.Where(c => c.Subject is not null).GroupBy(c => c.Subject!.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        (_verifier, _defaultRole, _serviceId) = (verifier, o.DefaultRole, cluster.Value.ServiceId);
    }

    public bool Enabled { get; }

    /// <summary>
    /// What <paramref name="credentials"/> prove, to keep for the session until it expires (null while security is off),
    /// and who that makes the caller here. A key comes before a proof, as a client sends both only to use the key.
    /// </summary>
    public (Caller Caller, SessionIdentity? Identity) Verify(SessionCredentials credentials, DateTimeOffset now)
    {
        if (!Enabled) return (Everyone, null);
        var expires = now + ClientProof.Lifetime;
        SessionIdentity identity;
        if (credentials.ApiKey is { Length: > SecurityOptions.MaxApiKeyLength }) // not hashed: no listed key is that long
            identity = Unproven($"its API key is longer than {SecurityOptions.MaxApiKeyLength} characters, which no listed key is", expires);
        else if (credentials.ApiKey is { } key) identity = new(SessionProof.ApiKey, Hash(key), expires);
        else if (credentials.Proof is not { } wire) identity = Unproven("it sent no API key and no certificate proof", expires);
        else if (!ClientProof.TryFromWire(wire, out var proof)) identity = Unproven("its certificate proof is malformed", expires);
        else if (_verifier?.Verify(proof, _serviceId) is not { } subject) identity = Unproven("its certificate proof is not valid", expires);
        else identity = new(SessionProof.Certificate, subject, DateTimeOffset.FromUnixTimeSeconds(proof.IssuedAtUnixSeconds) + ClientProof.Lifetime);
        return (Resolve(identity, now), identity);
    }

    /// <summary>Who a client is on this silo, from what its session proved (null: it opened none).</summary>
    public Caller Resolve(SessionIdentity? identity, DateTimeOffset now)
    {
        if (!Enabled) return Everyone;
        if (identity is null) return Default("it has opened no session; the Surge client opens one as it connects, with its API key or certificate");
        if (identity.ExpiresAt <= now) return Default("its session expired; the Surge client renews it every minute");
        return identity.Proof switch
        {
            SessionProof.ApiKey => _byKeyHash.TryGetValue(identity.Value, out var byKey) ? new(byKey.DisplayName, byKey.Role, "API key") : Default("its API key is not listed"),
            SessionProof.Certificate => Listed(identity.Value) is { } client ? new(client.Name ?? identity.Value, client.Role, "certificate")
                : Default($"its certificate {identity.Value} is not listed") with { Name = identity.Value },
            _ => Default(identity.Value),
        };
    }

    private static SessionIdentity Unproven(string why, DateTimeOffset expires) => new(SessionProof.None, why, expires);

    private SecurityClient? Listed(string subject)
    {
        if (_bySubject.TryGetValue(subject, out var client)) return client;
        // A listed "CN=name" matches a certificate whose subject has more parts.
        var cn = subject.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
        return cn is not null && _bySubject.TryGetValue(cn, out client) ? client : null;
    }

    private Caller Default(string why) => new(null, _defaultRole, why);

    // Keys are kept and compared by their hashes: sessions are stored, and a key's text never is.
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
