using Surge.Policies;

namespace Surge.Tests;

public class RetryBackoffTests
{
    private static readonly TaskPolicy Policy = new() { BackoffBase = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromSeconds(30), Jitter = 0 };

    [Fact]
    public void Delay_NoJitter_DoublesFromBaseUpToMax()
        => Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 7).Select(n => RetryBackoff.Delay(Policy, n, 0.5).TotalSeconds));

    [Theory]
    [InlineData(0.0, 8.0)]   // no shortening
    [InlineData(0.5, 7.2)]   // 8 × (1 − 0.2 × 0.5)
    [InlineData(0.999, 6.4)] // never below 8 × (1 − 0.2)
    public void Delay_Jitter_ShortensByUpToItsShare(double random, double seconds)
    {
        var policy = new TaskPolicy { BackoffBase = Policy.BackoffBase, BackoffMax = Policy.BackoffMax, Jitter = 0.2 };
        Assert.Equal(seconds, RetryBackoff.Delay(policy, 4, random).TotalSeconds, 1);
    }

    [Fact]
    public void Delay_ManyFailures_DoesNotOverflow()
        => Assert.Equal(TimeSpan.FromSeconds(30), RetryBackoff.Delay(Policy, 10_000, 0));

    [Theory]
    [InlineData("System.InvalidOperationException", true)]
    [InlineData(null, true)]
    [InlineData("Surge.Policies.NonRetryableTaskException", false)] // the handler said so
    [InlineData("System.ArgumentException", false)]                 // listed by short name
    [InlineData("System.ArgumentNullException", true)]              // a subclass's name is its own
    public void Retries_ByErrorType(string? errorType, bool retries)
    {
        var policy = new TaskPolicy { NonRetryableErrors = ["ArgumentException"] };
        Assert.Equal(retries, RetryBackoff.Retries(policy, errorType));
    }
}
