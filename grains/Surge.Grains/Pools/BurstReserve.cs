namespace Surge.Pools;

/// <summary>
/// How many slots the short pool keeps for itself, from its own arrivals, at once. Its load in a burst is how many
/// slots its arrivals keep busy over a short window (arrivals × mean run time / window, in slots); the reserve covers a
/// high quantile of that load over recent arrivals (not its mean) at <see cref="TargetUtilization"/>, so a burst finds
/// a reserved slot free or one about to be, and never more than the short pool's share of the silo's recent work
/// (rounded up) and one slot of <see cref="Headroom"/>: the share is a mean, and bursts go above their mean. Fewer
/// reserved slots make bursts wait behind long work; more take slots from long work for nothing. Long work with a deep
/// backlog may have the headroom slot (<see cref="Lean"/> is the reserve without it; see <see cref="PoolSlots"/>).
/// Pure: time is passed in as <see cref="TimeProvider.GetTimestamp"/> ticks.
/// </summary>
/// <remarks>
/// Sized at a utilization below 1 because a short task that finds every reserved slot busy waits only for another
/// short one (milliseconds), not for long work; sized from load rather than from how many arrive within one run time,
/// which counts every overlap as a slot and reserved twice what the best hand-picked split did in <c>bench mixed --sweep</c>.
/// </remarks>
internal sealed class BurstReserve
{
    /// <summary>How many recent arrivals the quantile is taken over, and the most one window counts.</summary>
    public const int Window = 1024;

    /// <summary>The share of its reserve the short pool's burst load may keep busy.</summary>
    public const double TargetUtilization = 0.6;

    /// <summary>Slots the reserve may hold beyond the short pool's share of recent work, for bursts above that mean.</summary>
    public const int Headroom = 1;

    private const double RunsPerWindow = 100;  // a window spans this many mean run times: long enough to see a burst, short enough to follow one
    private const double MinWindowMs = 100, MaxWindowMs = 10_000;
    private const double FallbackRunMs = 10;   // before any short task ran or carried a prediction
    private const double RunWeight = 0.05;     // of the latest run time in the moving mean
    private const int Buckets = 1000;          // load histogram resolution: slots / 100

    private readonly long[] _arrivals = new long[Window]; // ring, oldest overwritten, in arrival order
    private readonly int[] _loads = new int[Window];      // per arrival: its window's load, in hundredths of a slot
    private readonly int[] _histogram = new int[Buckets + 1];
    private readonly int _min, _max, _slots;
    private readonly double _quantile, _ticksPerMs;
    private int _next, _count, _cap;
    private double _meanRunMs = FallbackRunMs;
    private bool _ran;
    private double _shortWorkMs, _otherWorkMs; // recent run time of each side, decaying with WorkHalfLife
    private long? _workAt;

    /// <summary>How fast the short pool's share of recent work forgets: a minute.</summary>
    public static readonly TimeSpan WorkHalfLife = TimeSpan.FromMinutes(1);

    /// <param name="min">Fewest reserved slots (the pool's Min).</param>
    /// <param name="max">Most reserved slots (the pool's Max, and what leaves long work its Min).</param>
    /// <param name="quantile">Share of recent arrivals whose window's load the reserve covers, e.g. 0.99.</param>
    /// <param name="ticksPerSecond"><see cref="TimeProvider.TimestampFrequency"/>.</param>
    /// <param name="slots">The silo's total slots, which the reserve's share of recent work is taken of; 0: no such bound.</param>
    public BurstReserve(int min, int max, double quantile, long ticksPerSecond, int slots = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        (_min, _max, _cap, _quantile, _ticksPerMs, _slots) = (min, max, max, quantile, ticksPerSecond / 1000.0, slots);
        Size = Lean = min;
    }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> ticks in a millisecond.</summary>
    public double TicksPerMs => _ticksPerMs;

    /// <summary>The slots to reserve now.</summary>
    public int Size { get; private set; }

    /// <summary>The reserve without its <see cref="Headroom"/>: what it keeps from long work whose backlog outlasts a long run.</summary>
    public int Lean { get; private set; }

    /// <summary>The most the reserve may grow to, set by hand within min and max (an operator's limit); max until then.</summary>
    public int Cap
    {
        get => _cap;
        set
        {
            _cap = Math.Clamp(value, _min, _max);
            Size = Math.Min(Size, _cap);
            Lean = Math.Min(Lean, _cap);
        }
    }

    /// <summary>A short task arrived; <paramref name="predictedMs"/> stands in for run times until one has run.</summary>
    public void Arrived(long now, double? predictedMs = null)
    {
        if (!_ran && predictedMs is > 0 and var predicted) _meanRunMs += (predicted - _meanRunMs) * RunWeight;
        if (_count == Window) _histogram[_loads[_next]]--;
        else _count++;
        _arrivals[_next] = now;
        var windowMs = Math.Clamp(_meanRunMs * RunsPerWindow, MinWindowMs, MaxWindowMs);
        var inWindow = ArrivalsSince(now - (long)(windowMs * _ticksPerMs));
        var load = (int)Math.Min(Buckets, Math.Round(inWindow * _meanRunMs / windowMs * 100));
        _loads[_next] = load;
        _histogram[load]++;
        _next = (_next + 1) % Window;
        var burst = (int)Math.Ceiling(Quantile() / 100.0 / TargetUtilization - 1e-9);
        var share = ShareOfSlots();
        Size = Math.Clamp(Math.Min(burst, share == int.MaxValue ? share : share + Headroom), _min, _cap);
        Lean = Math.Clamp(Math.Min(burst, share), _min, _cap);
    }

    /// <summary>A short task ran this long.</summary>
    public void Ran(double runMs)
    {
        if (runMs < 0) return;
        _meanRunMs = _ran ? _meanRunMs + (runMs - _meanRunMs) * RunWeight : runMs;
        _ran = true;
    }

    /// <summary>
    /// A task of either pool ran this long, ending at <paramref name="now"/>: the short pool's share of the silo's
    /// recent work bounds the reserve, so a dump of queued short tasks (a dead silo's work handed back, a client's
    /// batch) cannot take long work's slots the way a real burst of short work may.
    /// </summary>
    public void Worked(bool shortTask, double runMs, long now)
    {
        if (runMs < 0) return;
        if (_workAt is { } last)
        {
            var decay = Math.Pow(0.5, Math.Max(0, now - last) / _ticksPerMs / WorkHalfLife.TotalMilliseconds);
            (_shortWorkMs, _otherWorkMs) = (_shortWorkMs * decay, _otherWorkMs * decay);
        }
        _workAt = now;
        if (shortTask) _shortWorkMs += runMs;
        else _otherWorkMs += runMs;
    }

    // The short pool's share of recent work, in slots, rounded up; no bound before long work has run.
    private int ShareOfSlots()
    {
        if (_slots == 0 || _otherWorkMs <= 0) return int.MaxValue;
        return (int)Math.Ceiling(_slots * _shortWorkMs / (_shortWorkMs + _otherWorkMs) - 1e-9);
    }

    // How many arrivals of the ring (the newest included) came after `since`: arrival times only grow, so a binary search.
    private int ArrivalsSince(long since)
    {
        int lo = 0, hi = _count; // the newest lo arrivals are after `since`
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_arrivals[(_next - (mid - 1) + Window) % Window] > since) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private int Quantile()
    {
        var needed = (int)Math.Ceiling(_quantile * _count);
        var seen = 0;
        for (var load = 0; load <= Buckets; load++)
        {
            seen += _histogram[load];
            if (seen >= needed) return load;
        }
        return Buckets;
    }
}
