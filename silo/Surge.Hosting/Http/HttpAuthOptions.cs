using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>
/// Who may use the silo's HTTP pages and APIs (<c>Surge:Http:Auth</c>): <c>/api/status</c>, <c>/api/tasks</c>,
/// <c>/openapi/v1.json</c>, <c>/surge</c> and <c>/dashboard</c>. With no user and no token they are open, as on
/// embedded defaults; with any, each request needs one of them. <c>/health</c>, <c>/ready</c> and <c>/metrics</c> stay
/// open for probes and scrapers. Every request reads the current options, so a reloaded configuration (an appsettings
/// file; environment variables are read once, at start) changes the credentials without a restart.
/// </summary>
public sealed class HttpAuthOptions
{
    /// <summary>The configuration section: <c>Surge:Http:Auth</c>.</summary>
    public const string Section = "Surge:Http:Auth";

    /// <summary>The digest prefix: <c>sha256:</c> and the 64 hex digits of the secret's UTF-8 bytes.</summary>
    public const string Sha256Prefix = "sha256:";

    /// <summary>Shortest secret accepted in clear: a guessable one would make the check pointless.</summary>
    public const int MinSecretLength = 16;

    /// <summary>
    /// Basic-authentication users (what a browser's sign-in prompt sends): user name → password, or
    /// <c>sha256:</c>&lt;hex&gt; of the password so the configuration does not hold it in clear.
    /// </summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Bearer tokens (<c>Authorization: Bearer …</c>, for scripts): a name that logs and the caller's identity show →
    /// the token, or <c>sha256:</c>&lt;hex&gt; of it.
    /// </summary>
    public Dictionary<string, string> Tokens { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The role of each user or token (by its name as configured above), as the roles of <c>Surge:Security</c>: the
    /// status page's task pages, lists and actions (<c>/surge/api</c>, <c>/surge/actions</c>) need
    /// <see cref="SurgeRole.Operate"/>, and on <c>/api/tasks</c> a <see cref="SurgeRole.Submit"/> caller reads only the
    /// tasks it submitted. A user or token not named here has <see cref="DefaultRole"/>.
    /// </summary>
    public Dictionary<string, SurgeRole> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The role of a user or token that <see cref="Roles"/> does not name. Default <see cref="SurgeRole.Operate"/>: the
    /// people who sign in to the status page are its operators, as they were before roles; give read-only viewers
    /// <see cref="SurgeRole.Submit"/> in <see cref="Roles"/>.
    /// </summary>
    public SurgeRole DefaultRole { get; set; } = SurgeRole.Operate;

    /// <summary>True when any user or token is configured: the protected endpoints then ask for one.</summary>
    public bool Enabled => Users.Count > 0 || Tokens.Count > 0;
}

internal sealed class HttpAuthOptionsValidator : IValidateOptions<HttpAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpAuthOptions o)
    {
        var failures = new List<string>();
        foreach (var (user, secret) in o.Users) Check($"Users:{user}", secret, failures);
        foreach (var (token, secret) in o.Tokens) Check($"Tokens:{token}", secret, failures);
        foreach (var (who, role) in o.Roles)
        {
            if (!Enum.IsDefined(role)) failures.Add($"{HttpAuthOptions.Section}:Roles:{who} is {role}; set Submit, Operate or Admin.");
            if (!o.Users.ContainsKey(who) && !o.Tokens.ContainsKey(who))
                failures.Add($"{HttpAuthOptions.Section}:Roles:{who} names no user or token of {HttpAuthOptions.Section}; name one of Users or Tokens.");
        }
        if (!Enum.IsDefined(o.DefaultRole)) failures.Add($"{HttpAuthOptions.Section}:DefaultRole is {o.DefaultRole}; set Submit, Operate or Admin.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string key, string? secret, List<string> failures)
    {
        var fix = $"use a generated secret of at least {HttpAuthOptions.MinSecretLength} characters (e.g. openssl rand -hex 24), or {HttpAuthOptions.Sha256Prefix}<64 hex digits of its SHA-256>";
        if (string.IsNullOrEmpty(secret)) failures.Add($"{HttpAuthOptions.Section}:{key} is empty; {fix}.");
        else if (secret.StartsWith(HttpAuthOptions.Sha256Prefix, StringComparison.OrdinalIgnoreCase))
        {
            if (!HttpCredentials.TryParseDigest(secret, out _)) failures.Add($"{HttpAuthOptions.Section}:{key} is not {HttpAuthOptions.Sha256Prefix} and 64 hex digits; {fix}.");
        }
        else if (secret.Length < HttpAuthOptions.MinSecretLength)
            failures.Add($"{HttpAuthOptions.Section}:{key} is {secret.Length} characters; {fix}.");
    }
}
