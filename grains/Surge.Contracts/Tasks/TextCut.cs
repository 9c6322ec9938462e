namespace Surge;

/// <summary>
/// Cuts text to a bound without splitting a surrogate pair: a lone high surrogate left at the end is not valid UTF-16,
/// and JSON writers and Redis' UTF-8 turn it into U+FFFD (or refuse it) in every status read and log line.
/// </summary>
internal static class TextCut
{
    /// <summary>The first <paramref name="max"/> characters of <paramref name="text"/>, or one fewer where the last would be half a pair.</summary>
    public static ReadOnlySpan<char> Head(string text, int max)
        => text.Length <= max ? text : text.AsSpan(0, max > 0 && char.IsHighSurrogate(text[max - 1]) ? max - 1 : max);
}
