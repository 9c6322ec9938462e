using Microsoft.Extensions.Options;

namespace Surge.Security;

/// <summary>
/// Who may do what (<c>Surge:Security</c>): each client, known by its certificate subject or its API key, and its role.
/// Security is on when a client is listed or the silo has TLS (<c>Surge:Tls</c>), unless <see cref="Enabled"/> says
/// otherwise; while it is off every client is <see cref="SurgeRole.Admin"/>.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Surge:Security";

    /// <summary>The fewest characters an API key may have.</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>The longest API key: a session's key is hashed by whichever silo it reaches, before anyone is known.</summary>
    public const int MaxApiKeyLength = 512;

    /// <summary>The clients and their roles.</summary>
    public List<SecurityClient> Clients { get; set; } = [];

    /// <summary>
    /// The role of a client that carries no known identity while security is on (a trusted certificate that is not
    /// listed, no API key). Default none: such a client can connect (with TLS) but every call is refused.
    /// </summary>
    public SurgeRole? DefaultRole { get; set; }

    /// <summary>Forces security on or off; default: on when <see cref="Clients"/> has an entry or TLS is on.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>One client: exactly one of <see cref="Subject"/> or <see cref="ApiKey"/>, and its <see cref="Role"/>.</summary>
public sealed class SecurityClient
{
    /// <summary>
    /// How the client is named in task records (<see cref="TaskStatus.Submitter"/>) and logs. Default: the subject;
    /// required with an API key, which is never shown.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The client certificate's subject, as <c>CN=reports, O=Example</c>, or its common name alone as <c>CN=reports</c>.</summary>
    public string? Subject { get; set; }

    /// <summary>An API key of at least 16 characters (<c>Surge:Client:ApiKey</c> on the client).</summary>
    public string? ApiKey { get; set; }

    /// <summary>What the client may do. Default <see cref="SurgeRole.Submit"/>.</summary>
    public SurgeRole Role { get; set; } = SurgeRole.Submit;

    internal string DisplayName => Name ?? Subject ?? "(api key)";
}

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions o)
    {
        var failures = new List<string>();
        for (var i = 0; i < o.Clients.Count; i++)
        {
            var c = o.Clients[i];
            var at = $"{SecurityOptions.Section}:Clients:{i}";
            if (string.IsNullOrWhiteSpace(c.Subject) == string.IsNullOrWhiteSpace(c.ApiKey))
                failures.Add($"{at}: set exactly one of Subject (a certificate subject, e.g. CN=reports) or ApiKey.");
            if (c.ApiKey is { } key && key.Length < SecurityOptions.MinApiKeyLength)
                failures.Add($"{at}:ApiKey has {key.Length} characters; use at least {SecurityOptions.MinApiKeyLength} random ones (e.g. openssl rand -hex 24).");
            if (c.ApiKey is { } longKey && longKey.Length > SecurityOptions.MaxApiKeyLength)
                failures.Add($"{at}:ApiKey has {longKey.Length} characters; use at most {SecurityOptions.MaxApiKeyLength} (e.g. openssl rand -hex 24).");
            if (c.ApiKey is not null && string.IsNullOrWhiteSpace(c.Name))
                failures.Add($"{at}:Name is empty; name the client an API key belongs to (the key itself is never shown).");
            if (!Enum.IsDefined(c.Role)) failures.Add($"{at}:Role is {c.Role}; set Submit, Operate or Admin.");
        }
        if (o.DefaultRole is { } role && !Enum.IsDefined(role)) failures.Add($"{SecurityOptions.Section}:DefaultRole is {role}; set Submit, Operate or Admin, or leave it out.");
        var keys = o.Clients.Where(c => c.ApiKey is not null).GroupBy(c => c.ApiKey).Where(g => g.Count() > 1).Select(g => g.First().DisplayName);
        failures.AddRange(keys.Select(k => $"{SecurityOptions.Section}:Clients: two entries share the API key of '{k}'; give each client its own."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
