using Surge.Hosting;

namespace Surge.Tests;

/// <summary>A caller's text in a log line: it cannot start a line of its own, nor fill the log.</summary>
public class LogTextTests
{
    [Fact]
    public void Of_ControlCharacters_Escaped()
        => Assert.Equal("evil\\u000D\\u000Awarn: forged", LogText.Of("evil\r\nwarn: forged"));

    [Fact]
    public void Of_PrintableTextAndPairs_Unchanged() => Assert.Equal("order/42 ✓ 😀", LogText.Of("order/42 ✓ 😀"));

    [Fact]
    public void Of_LoneSurrogate_Escaped() => Assert.Equal("a\\uD800b", LogText.Of("a\ud800b"));

    [Fact]
    public void Of_LongText_CutSayingItsLength()
    {
        var shown = LogText.Of(new string('x', 20_000));
        Assert.StartsWith(new string('x', LogText.MaxShown) + "…", shown);
        Assert.EndsWith("(20000 characters)", shown);
    }
}
