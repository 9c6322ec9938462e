using Surge.Tasks;

namespace Surge.Tests;

public class TaskShardWaitTests
{
    [Theory]
    [InlineData(-5.0, 0.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(20.0, 20.0)]
    [InlineData(25.0, 25.0)]
    [InlineData(26.0, 25.0)]
    [InlineData(60.0 * 86_400, 25.0)] // past what Task.WaitAsync accepts (about 49.7 days)
    public void BoundWait_AnyMaxWait_WithinZeroAndTheShardsCeiling(double seconds, double expected)
        => Assert.Equal(TimeSpan.FromSeconds(expected), TaskShardGrain.BoundWait(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void BoundWait_MaxValue_TheShardsCeiling()
        => Assert.Equal(TaskShards.MaxWait, TaskShardGrain.BoundWait(TimeSpan.MaxValue));
}
