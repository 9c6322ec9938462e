using Surge.Entities;

namespace Surge.Tests;

public class KeyGatesTests
{
    private readonly KeyGates _gates = new();

    [Fact]
    public async Task Enter_SameEntityHeld_WaitsUntilDisposed()
    {
        var first = await _gates.EnterAsync("build/1");
        var second = _gates.EnterAsync("build/1").AsTask();
        Assert.False(second.IsCompleted);
        Assert.True(_gates.IsHeld("build/1"));

        first.Dispose();
        using var held = await second;
        Assert.True(_gates.IsHeld("build/1"));
    }

    [Fact]
    public async Task Enter_OtherEntity_DoesNotWait()
    {
        using var first = await _gates.EnterAsync("build/1");
        var other = _gates.EnterAsync("build/2");
        Assert.True(other.IsCompletedSuccessfully);
        (await other).Dispose();
    }

    [Fact]
    public async Task Dispose_Twice_OpensOnce()
    {
        var first = await _gates.EnterAsync("build/1");
        first.Dispose();
        var second = await _gates.EnterAsync("build/1");
        first.Dispose(); // a second dispose of the old gate must not open the new holder's
        Assert.True(_gates.IsHeld("build/1"));
        second.Dispose();
        Assert.False(_gates.IsHeld("build/1"));
    }
}
