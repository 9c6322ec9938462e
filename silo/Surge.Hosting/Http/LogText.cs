using System.Text;

namespace Surge.Hosting;

/// <summary>
/// A caller's text (a user name, a path, an action's target) as a log line may hold it: control characters and lone
/// surrogates escaped (<c>\u000D</c>), so a request cannot forge a line of its own, and at most <see cref="MaxShown"/>
/// characters, so it cannot fill the log either.
/// </summary>
internal static class LogText
{
    public const int MaxShown = 128;

    public static string Of(string? text)
    {
        if (text is null) return "";
        var cut = text.AsSpan(0, Math.Min(text.Length, MaxShown)); // a pair cut in two ends in a lone surrogate, escaped below
        var shown = new StringBuilder(cut.Length + 8);
        for (var i = 0; i < cut.Length; i++)
        {
            var c = cut[i];
            if (char.IsHighSurrogate(c) && i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1])) shown.Append(c).Append(cut[++i]);
            else if (char.IsControl(c) || char.IsSurrogate(c)) shown.Append($"\\u{(int)c:X4}");
            else shown.Append(c);
        }
        if (cut.Length < text.Length) shown.Append($"… ({text.Length} characters)");
        return shown.ToString();
    }
}
