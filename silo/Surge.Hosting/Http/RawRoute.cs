using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Surge.Hosting;

/// <summary>
/// A route value (a task id, an entity key, a schedule name) as the caller wrote it before escaping it. The server
/// decodes every escape of a path but <c>%2F</c>, which would be a separator, so the value it hands over is ambiguous:
/// <c>a%2Fb</c> comes from <c>a%2Fb</c> (the id <c>a/b</c>) and from <c>a%252Fb</c> (the id <c>a%2Fb</c>, which the
/// silo's own <c>Location</c> escapes so). Taken as a slash, the second was never found, or found another task. The
/// request's raw target says which it was.
/// </summary>
internal static partial class RawRoute
{
    /// <summary>
    /// The value of the route segment <paramref name="fromEnd"/> places before the last (0: the last), wholly decoded;
    /// <paramref name="routeValue"/> is what routing gave for it.
    /// </summary>
    public static string Value(HttpContext context, string routeValue, int fromEnd = 0)
    {
        if (context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/')
        {
            var query = raw.IndexOf('?');
            var segments = (query < 0 ? raw : raw[..query]).Split('/');
            var i = segments.Length - 1 - fromEnd;
            // The check that it is the segment routing read: a path the server rewrote (dot segments) is read as before.
            if (i >= 1 && Decode(segments[i]) is var (asRouted, whole) && asRouted == routeValue) return whole;
        }
        return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    // One raw segment as routing decodes it (every escape but %2F) and wholly (%2F too).
    internal static (string AsRouted, string Whole) Decode(string segment)
    {
        var parts = EscapedSlash().Split(segment); // the separators kept, at the odd places
        var asRouted = new StringBuilder();
        var whole = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = i % 2 == 0 ? Uri.UnescapeDataString(parts[i]) : parts[i];
            asRouted.Append(part);
            whole.Append(i % 2 == 0 ? part : "/");
        }
        return (asRouted.ToString(), whole.ToString());
    }

    [GeneratedRegex("(%2[fF])")]
    private static partial Regex EscapedSlash();
}
