using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Surge.Hosting;

/// <summary>
/// The <c>Surge</c> authentication scheme: <c>Authorization: Basic</c> (a browser's sign-in prompt, which it then
/// sends with every same-origin request, the status page's own fetches included) or <c>Authorization: Bearer</c> (a
/// script), checked against <see cref="HttpAuthOptions"/>. One small handler for both: ASP.NET Core ships neither for
/// opaque secrets, and the part that matters, the constant-time check, is <see cref="HttpCredentials"/>' either way.
/// </summary>
internal sealed partial class HttpAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder,
    HttpCredentialsSource credentials) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "Surge";
    private const string Realm = "Surge";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var current = credentials.Current;
        string? header = Request.Headers.Authorization;
        if (!current.Enabled || string.IsNullOrEmpty(header)) return Task.FromResult(AuthenticateResult.NoResult());
        if (StripScheme(header, "Bearer") is { } token)
        {
            return Task.FromResult(current.CheckToken(token) is { } name
                ? Success($"token:{name}", current.RoleOf(name))
                : Refuse("unknown bearer token"));
        }
        if (StripScheme(header, "Basic") is { } basic)
        {
            if (DecodeBasic(basic) is not var (user, password)) return Task.FromResult(Refuse("malformed basic credentials"));
            return Task.FromResult(current.CheckUser(user, password) ? Success(current.UserName(user), current.RoleOf(user)) : Refuse($"unknown user or wrong password for '{LogText.Of(user)}'"));
        }
        return Task.FromResult(AuthenticateResult.NoResult()); // another scheme's header: not ours to judge
    }

    // A browser shows its sign-in prompt for the Basic challenge; scripts see they may send a bearer token instead. The
    // body is what a person sees after dismissing the prompt (a browser shows its own error page for an empty one).
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{Realm}\", charset=\"UTF-8\"");
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer realm=\"{Realm}\"");
        Response.ContentType = "text/plain; charset=utf-8";
        return Response.WriteAsync("Sign in: this silo's Surge:Http:Auth asks for a user and password (basic) or a bearer token.\n");
    }

    private AuthenticateResult Success(string name, SurgeRole role)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Refuse(string reason)
    {
        LogRefused(Logger, LogText.Of(Request.Path), Context.Connection.RemoteIpAddress?.ToString() ?? "?", reason); // reason: our words, its user name escaped
        return AuthenticateResult.Fail(reason);
    }

    private static string? StripScheme(string header, string scheme)
        => header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header[scheme.Length] == ' '
            ? header[(scheme.Length + 1)..].Trim()
            : null;

    // RFC 7617: base64 of "user:password", UTF-8; the user name has no colon, the password may.
    private static (string User, string Password)? DecodeBasic(string encoded)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP credentials refused for {Path} from {Remote}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string remote, string reason);
}

/// <summary>The credentials of the current <see cref="HttpAuthOptions"/>, hashed once per configuration change.</summary>
internal sealed class HttpCredentialsSource(IOptionsMonitor<HttpAuthOptions> options)
{
    private Built? _built; // a reference, swapped whole: requests read it without a lock

    public HttpCredentials Current
    {
        get
        {
            var now = options.CurrentValue;
            var built = _built;
            if (built is not null && ReferenceEquals(built.Options, now)) return built.Credentials;
            built = new Built(now, new HttpCredentials(now));
            _built = built;
            return built.Credentials;
        }
    }

    private sealed record Built(HttpAuthOptions Options, HttpCredentials Credentials);
}
