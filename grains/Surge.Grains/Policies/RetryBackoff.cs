namespace Surge.Policies;

/// <summary>
/// How long a failed task waits before its next attempt: exponential from <see cref="TaskPolicy.BackoffBase"/>,
/// capped at <see cref="TaskPolicy.BackoffMax"/>, shortened by up to <see cref="TaskPolicy.Jitter"/> at random.
/// </summary>
/// <remarks>
/// Not a Polly retry pipeline: a Polly pipeline retries inside one call, in one process, and its waits die with it.
/// A task's retry must survive its silo, so the wait is a field of the task's durable record and a timer of its shard.
/// </remarks>
internal static class RetryBackoff
{
    /// <summary>The wait before the next attempt.</summary>
    /// <param name="policy">The task type's policy: base, cap and jitter of the backoff.</param>
    /// <param name="failedAttempts">Attempts that have failed so far in this retry budget: 1 before the second attempt.</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Delay(TaskPolicy policy, int failedAttempts, double random)
    {
        var exponent = Math.Min(failedAttempts - 1, 62);
        var ticks = Math.Min(policy.BackoffBase.Ticks * Math.Pow(2, exponent), policy.BackoffMax.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 - policy.Jitter * random)));
    }

    /// <summary>Whether an execution that failed with <paramref name="errorType"/> may run again under this policy.</summary>
    public static bool Retries(TaskPolicy policy, string? errorType)
        => errorType is null || (errorType != typeof(NonRetryableTaskException).FullName
            && !policy.NonRetryableErrors.Any(name => name == errorType || errorType.EndsWith("." + name, StringComparison.Ordinal)));
}
