using Microsoft.AspNetCore.Http;
using Surge.Hosting;

namespace Surge.Tests;

/// <summary>Route values read from the raw request target, so an escaped slash and an escaped escape are told apart.</summary>
public class RawRouteTests
{
    [Theory]
    [InlineData("/api/tasks/order%2F42", "order%2F42", 0, "order/42")]
    [InlineData("/api/tasks/pct%252Fid", "pct%2Fid", 0, "pct%2Fid")] // the id pct%2Fid, as the silo's Location escapes it
    [InlineData("/api/tasks/pct%252Fid/wait?timeout=1", "pct%2Fid", 1, "pct%2Fid")]
    [InlineData("/surge/actions/tasks/a%2fb%20c/cancel", "a%2fb c", 1, "a/b c")]
    [InlineData("/api/tasks/%E2%9C%93", "✓", 0, "✓")]
    public void Value_RawTarget_DecodedAsTheCallerEscapedIt(string raw, string routed, int fromEnd, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = raw.Split('?')[0]; // what the server routes on; RawTarget is what it received
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = raw;
        Assert.Equal(expected, RawRoute.Value(context, routed, fromEnd));
    }

    [Fact]
    public void Value_RawTargetOfAnotherSegment_ReadAsBefore()
    {
        // A path the server rewrote (a dot segment): the raw segment is not the routed one, so the old reading stands.
        var context = new DefaultHttpContext();
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = "/api/tasks/x%2Fy/..";
        Assert.Equal("a/b", RawRoute.Value(context, "a%2Fb"));
    }

    [Fact]
    public void Decode_Segment_AsRoutedKeepsEscapedSlashesWholeTurnsThem()
        => Assert.Equal(("a%2Fb%2fc d", "a/b/c d"), RawRoute.Decode("a%2Fb%2fc%20d"));
}
