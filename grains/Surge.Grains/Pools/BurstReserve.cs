namespace Surge.Pools;

/// <summary>
/// How many slots the short pool keeps for itself, from its own arrivals, at once: a high quantile (not the mean) of
/// how many short tasks arrived within one short run time of each recent arrival. That is how many run together in
/// its bursts; fewer reserved slots make a burst wait behind long work, more take slots from long work for nothing.
/// Pure: time is passed in as <see cref="TimeProvider.GetTimestamp"/> ticks.
/// </summary>
internal sealed class BurstReserve
{
    /// <summary>How many recent arrivals the quantile is taken over.</summary>
    public const int Window = 1024;

    private const double FallbackRunMs = 10; // before any short task ran or carried a prediction
    private const double RunWeight = 0.05;   // of the latest run time in the moving mean

    private readonly long[] _arrivals = new long[Window]; // ring, oldest overwritten
    private readonly int[] _bursts = new int[Window];     // per arrival: arrivals within one run time before it, itself included
    private readonly int[] _histogram;                     // how many of the window's arrivals saw each burst size
    private readonly int _min, _max;
    private readonly double _quantile, _ticksPerMs;
    private int _next, _count, _cap;
    private double _meanRunMs = FallbackRunMs;
    private bool _ran;

    /// <param name="min">Fewest reserved slots (the pool's Min).</param>
    /// <param name="max">Most reserved slots (the pool's Max, and what leaves long work its Min).</param>
    /// <param name="quantile">Share of recent arrivals whose burst the reserve covers, e.g. 0.99.</param>
    /// <param name="ticksPerSecond"><see cref="TimeProvider.TimestampFrequency"/>.</param>
    public BurstReserve(int min, int max, double quantile, long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        (_min, _max, _quantile, _ticksPerMs) = (min, max, quantile, ticksPerSecond / 1000.0);
        _histogram = new int[max + 2]; // burst sizes above max count as max + 1: the reserve never goes past max
        Size = min;
        _cap = max;
    }

    /// <summary>The slots to reserve now.</summary>
    public int Size { get; private set; }

    /// <summary>The most the reserve may grow to, set by hand within min and max (an operator's limit); max until then.</summary>
    public int Cap
    {
        get => _cap;
        set
        {
            _cap = Math.Clamp(value, _min, _max);
            Size = Math.Min(Size, _cap);
        }
    }

    /// <summary>The moving mean of short run times the bursts are measured over.</summary>
    public double MeanRunMs => _meanRunMs;

    /// <summary>A short task arrived; <paramref name="predictedMs"/> stands in for run times until one has run.</summary>
    public void Arrived(long now, double? predictedMs = null)
    {
        if (!_ran && predictedMs is > 0 and var predicted) _meanRunMs += (predicted - _meanRunMs) * RunWeight;
        var since = now - (long)(_meanRunMs * _ticksPerMs);
        var burst = 1;
        for (var i = 1; i <= _count && burst <= _max; i++)
        {
            if (_arrivals[(_next - i + Window) % Window] <= since) break;
            burst++;
        }
        burst = Math.Min(burst, _max + 1);
        if (_count == Window) _histogram[_bursts[_next]]--;
        else _count++;
        _arrivals[_next] = now;
        _bursts[_next] = burst;
        _histogram[burst]++;
        _next = (_next + 1) % Window;
        Size = Math.Clamp(Quantile(), _min, _cap);
    }

    /// <summary>A short task ran this long.</summary>
    public void Ran(double runMs)
    {
        if (runMs < 0) return;
        _meanRunMs = _ran ? _meanRunMs + (runMs - _meanRunMs) * RunWeight : runMs;
        _ran = true;
    }

    private int Quantile()
    {
        var needed = (int)Math.Ceiling(_quantile * _count);
        var seen = 0;
        for (var size = 1; size < _histogram.Length; size++)
        {
            seen += _histogram[size];
            if (seen >= needed) return size;
        }
        return _max;
    }
}
