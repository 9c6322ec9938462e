using System.Text;
using Surge.Programs;

namespace Surge.Tests;

/// <summary>What a program's output capture keeps for the result, and what it keeps only to say why a run failed.</summary>
public class BoundedCaptureTests
{
    [Fact]
    public async Task Read_OverTheLimit_TextIsTheFirstLimitBytesAndTheRestCounted()
    {
        var capture = new BoundedCapture(5);
        await capture.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("hello world")), CancellationToken.None);

        Assert.Equal(("hello", "hello", 6L, true), (capture.Text, capture.Kept, capture.Dropped, capture.Ended));
    }

    [Fact]
    public async Task Read_LimitZeroKeepingAtLeastSome_TextEmptyKeptHoldsThemAndAllCounted()
    {
        var capture = new BoundedCapture(0, keepAtLeast: 7);
        await capture.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("watchdog: no lock")), CancellationToken.None);

        Assert.Equal(("", "watchdo", 17L), (capture.Text, capture.Kept, capture.Dropped));
    }

    [Fact]
    public async Task Read_UnderTheLimit_NothingDropped()
    {
        var capture = new BoundedCapture(64, keepAtLeast: 7);
        await capture.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("fine")), CancellationToken.None);

        Assert.Equal(("fine", "fine", 0L), (capture.Text, capture.Kept, capture.Dropped));
    }
}
