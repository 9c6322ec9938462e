namespace Surge.Replay.Generation;

/// <summary>
/// The draws the generator needs, as CPython 3.11's <c>random.Random</c> makes them (same seed, same stream, same
/// floating-point operations in the same order), so a workload is the reference generator's for the same arguments.
/// </summary>
internal sealed class WorkloadRandom(long seed)
{
    private const double TwoPi = 2.0 * Math.PI;
    private readonly MersenneTwister _twister = new(seed);
    private double? _gaussNext;

    /// <summary>Uniform in [0, 1): 53 bits from two 32-bit outputs (CPython's <c>random_random</c>).</summary>
    public double Next()
    {
        var a = _twister.NextUInt32() >> 5;
        var b = _twister.NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>getrandbits(k)</c> for 1 &lt;= k &lt;= 32: the top k bits of one output.</summary>
    public uint GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 32);
        return _twister.NextUInt32() >> (32 - k);
    }

    /// <summary><c>choice</c>: <c>_randbelow_with_getrandbits</c>, k = n.bit_length(), redrawn while r &gt;= n.</summary>
    public T Choice<T>(IReadOnlyList<T> items)
    {
        var n = (uint)items.Count;
        if (n == 0) throw new ArgumentException("Cannot choose from an empty sequence", nameof(items));
        var k = 32 - System.Numerics.BitOperations.LeadingZeroCount(n);
        var r = GetRandBits(k);
        while (r >= n) r = GetRandBits(k);
        return items[(int)r];
    }

    /// <summary>
    /// <c>gauss</c>: Box–Muller where the sine of a pair is kept for the next call (CPython's <c>gauss_next</c>), which
    /// is why a normal draw costs two uniforms only every other time.
    /// </summary>
    public double Gauss(double mu, double sigma)
    {
        var z = _gaussNext;
        _gaussNext = null;
        if (z is null)
        {
            var x2pi = Next() * TwoPi;
            var g2rad = Math.Sqrt(-2.0 * Math.Log(1.0 - Next()));
            z = Math.Cos(x2pi) * g2rad;
            _gaussNext = Math.Sin(x2pi) * g2rad;
        }
        return mu + z.Value * sigma;
    }

    /// <summary><c>paretovariate</c>: shape <paramref name="alpha"/>, minimum 1.</summary>
    public double Pareto(double alpha) => Math.Pow(1.0 - Next(), -1.0 / alpha);

    /// <summary><c>expovariate</c>: rate <paramref name="rate"/> (mean 1 / rate).</summary>
    public double Exponential(double rate) => -Math.Log(1.0 - Next()) / rate;
}
