namespace Surge.Pools;

/// <summary>
/// The bounds of Surge:Tasks where a task runs. The edge refuses what it can see, but a record accepted under looser
/// settings, or a result, is only known here. Both failures are non-retryable: the same task fails the same way.
/// </summary>
internal sealed record RunBounds(TimeSpan MaxTimeout, int MaxResultBytes, string Section = "Surge:Tasks")
{
    public TimeSpan SoftLimit(TimeSpan soft)
    {
        if (soft <= TimeSpan.Zero || soft > MaxTimeout)
            throw new Policies.NonRetryableTaskException($"time limit {soft} is outside 0 to {MaxTimeout} ({Section}:MaxTimeout); submit a shorter timeout");
        return soft;
    }

    public void CheckResultSize(ReadOnlyMemory<byte> result)
    {
        if (result.Length <= MaxResultBytes) return;
        throw new Policies.NonRetryableTaskException(
            $"the result is {result.Length} bytes, over the limit of {MaxResultBytes} bytes ({Section}:MaxResultBytes); "
            + "store a large result elsewhere and return a reference, or raise the limit");
    }
}
