namespace Surge.Caps;

/// <summary>
/// The start tokens of one rate-limited type: a bucket filled at the type's rate and shared between the silos that
/// want starts. Pure: timestamps are passed in.
/// </summary>
internal sealed class StartTokens(double rate, long start, long timestampFrequency)
{
    private double _tokens;
    private long _refilledAt = start;

    /// <summary>
    /// Starts granted at <paramref name="now"/> to a silo that wants <paramref name="wanted"/>, while <paramref name="others"/>
    /// other silos want starts too: an even share of what the bucket holds, at least one whole token if it holds one.
    /// </summary>
    public int Take(long now, int wanted, int others)
    {
        if (wanted <= 0) return 0;
        // At most a second's burst, but never less than one whole start: a bucket capped below one token (a rate under
        // one a second, which the policy accepts) would never grant a start at all.
        _tokens = Math.Min(Math.Max(rate, 1), _tokens + rate * (now - _refilledAt) / timestampFrequency);
        _refilledAt = now;
        var granted = (int)Math.Min(wanted, Math.Floor(Math.Max(1, _tokens / (1 + others))));
        granted = (int)Math.Min(granted, Math.Floor(_tokens));
        _tokens -= granted;
        return granted;
    }
}
