using System.Security.Cryptography;
using System.Text;

namespace Surge.Hosting;

/// <summary>
/// The configured users and tokens as SHA-256 digests, checked in constant time: every candidate is compared in full,
/// and an unknown user costs what a known one does, so timing tells an attacker neither a prefix nor a name. A fast
/// hash is enough because the secrets are generated ones (<see cref="HttpAuthOptions.MinSecretLength"/>), not words.
/// </summary>
internal sealed class HttpCredentials
{
    private static readonly byte[] NoUser = SHA256.HashData("\0no such user"u8);

    private readonly Dictionary<string, byte[]> _users;
    private readonly (string Name, byte[] Digest)[] _tokens;

    public HttpCredentials(HttpAuthOptions options)
    {
        _users = options.Users.ToDictionary(u => u.Key, u => DigestOf(u.Value), StringComparer.OrdinalIgnoreCase);
        _userNames = options.Users.Keys.ToDictionary(k => k, k => k, StringComparer.OrdinalIgnoreCase);
        _tokens = [.. options.Tokens.Select(t => (t.Key, DigestOf(t.Value)))];
        Enabled = options.Enabled;
        _roles = new(options.Roles, StringComparer.OrdinalIgnoreCase);
        _defaultRole = options.DefaultRole;
    }

    private readonly Dictionary<string, string> _userNames;

    /// <summary>
    /// A user's name as configured, however the caller cased it (names match without case): what its tasks record as
    /// their submitter, so that the same user reads them whichever way it types its name.
    /// </summary>
    public string UserName(string user) => _userNames.GetValueOrDefault(user, user);

    private readonly Dictionary<string, SurgeRole> _roles;
    private readonly SurgeRole _defaultRole;

    /// <summary>The role of a user or token, by its configured name (<see cref="HttpAuthOptions.Roles"/>).</summary>
    public SurgeRole RoleOf(string name) => _roles.GetValueOrDefault(name, _defaultRole);

    public bool Enabled { get; }

    /// <summary>True when <paramref name="user"/> is configured with <paramref name="password"/>.</summary>
    public bool CheckUser(string user, string password)
    {
        var known = _users.TryGetValue(user, out var expected);
        var matches = CryptographicOperations.FixedTimeEquals(Hash(password), known ? expected : NoUser);
        return known && matches;
    }

    /// <summary>The name of the token that <paramref name="token"/> is, or null.</summary>
    public string? CheckToken(string token)
    {
        var digest = Hash(token);
        string? match = null;
        foreach (var (name, expected) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, expected)) match ??= name; // no early exit: every token is compared
        }
        return match;
    }

    /// <summary>A configured secret's digest: given as <c>sha256:</c>&lt;hex&gt;, or the hash of the secret in clear.</summary>
    public static byte[] DigestOf(string secret)
        => TryParseDigest(secret, out var digest) ? digest : Hash(secret);

    public static bool TryParseDigest(string secret, out byte[] digest)
    {
        digest = [];
        if (!secret.StartsWith(HttpAuthOptions.Sha256Prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var hex = secret.AsSpan(HttpAuthOptions.Sha256Prefix.Length);
        if (hex.Length != SHA256.HashSizeInBytes * 2) return false;
        try
        {
            digest = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
