using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Surge.Security;

/// <summary>
/// A client as the silos know it: its name (null while security is off) and its role (null: none).
/// <see cref="ResendProof"/>: its proof came without the certificate and this silo has not checked it before, so it
/// is not known yet rather than refused.
/// </summary>
internal readonly record struct Caller(string? Name, SurgeRole? Role, string Reason, bool ResendProof = false);

/// <summary>
/// Who a client is, from the credentials in the request context of its call: an API key listed in
/// <c>Surge:Security:Clients</c>, else a certificate proof whose subject is listed, else the default role.
/// </summary>
internal sealed class ClientIdentities
{
    private static readonly Caller Everyone = new(null, SurgeRole.Admin, "security is off");

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

    /// <summary>The caller of the current call, read from (and then taken out of) the request context.</summary>
    public Caller Resolve()
    {
        var key = RequestContext.Get(ClientProof.ApiKeyContextKey) as string;
        var wire = RequestContext.Get(ClientProof.ContextKey) as byte[];
        if (key is not null || wire is not null) CallCredentials.Take();
        if (!Enabled) return Everyone;
        if (key is not null)
            return _byKeyHash.TryGetValue(Hash(key), out var byKey) ? new(byKey.DisplayName, byKey.Role, "API key") : Default("its API key is not listed");
        if (wire is null) return Default("it sent no API key and no certificate proof");
        if (!ClientProof.TryFromWire(wire, out var proof)) return Default("its certificate proof is malformed");
        if (_verifier is null) return Default("its certificate proof is not valid");
        if (_verifier.Verify(proof, _serviceId, out var needsCertificate) is not { } subject)
            return needsCertificate ? Default("its certificate proof is not known here yet") with { ResendProof = true } : Default("its certificate proof is not valid");
        return Listed(subject) is { } client ? new(client.Name ?? subject, client.Role, "certificate") : Default($"its certificate {subject} is not listed") with { Name = subject };
    }

    private SecurityClient? Listed(string subject)
    {
        if (_bySubject.TryGetValue(subject, out var client)) return client;
        // A listed "CN=name" matches a certificate whose subject has more parts.
        var cn = subject.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
        return cn is not null && _bySubject.TryGetValue(cn, out client) ? client : null;
    }

    private Caller Default(string why) => new(null, _defaultRole, why);

    // Keys are compared by their hashes: a dictionary look-up without keeping the keys' text beside the names.
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
