namespace Surge.Client;

/// <summary>
/// How soon a client's wait loop asks its task's shard again. A wait call that comes back unfinished after its slice
/// is asked again at once. One that comes back well before (a shard whose silo has drained answers every wait at once,
/// so the silo is not held by its waiters, until the shard moves; a shard that moves answers its waiters too) is asked
/// again after a pause that grows while the early answers last: without it the loop calls as fast as the shard
/// answers. The pause is at most <see cref="MaxPause"/>, so the wait ends at most that much after its task does.
/// </summary>
internal static class WaitPacing
{
    /// <summary>The first pause after an early answer.</summary>
    internal static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest pause: how much later than its task a paced wait can end.</summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The pause before the next wait call, after one that asked the shard to wait <paramref name="asked"/> and came
    /// back unfinished after <paramref name="took"/>; <paramref name="previous"/>: the pause before that call (zero if
    /// none). An answer that came back after half of what was asked, or more, is not early.
    /// </summary>
    public static TimeSpan Next(TimeSpan asked, TimeSpan took, TimeSpan previous)
    {
        if (took >= asked / 2) return TimeSpan.Zero;
        var doubled = previous * 2;
        return doubled < FirstPause ? FirstPause : doubled > MaxPause ? MaxPause : doubled;
    }
}
