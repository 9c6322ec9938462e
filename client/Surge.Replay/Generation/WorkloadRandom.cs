namespace Surge.Replay.Generation;

/// <summary>The draws the generator needs, over a seeded <see cref="Random"/> (the same stream on every platform).</summary>
internal sealed class WorkloadRandom(int seed)
{
    private readonly Random _random = new(seed);
    private double? _spareGauss;

    /// <summary>Uniform in [0, 1).</summary>
    public double Next() => _random.NextDouble();

    public T Choice<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>Normal with mean <paramref name="mu"/> and deviation <paramref name="sigma"/> (Box–Muller, pairs cached).</summary>
    public double Gauss(double mu, double sigma)
    {
        if (_spareGauss is { } spare)
        {
            _spareGauss = null;
            return mu + sigma * spare;
        }
        var angle = 2 * Math.PI * Next();
        var radius = Math.Sqrt(-2 * Math.Log(1 - Next()));
        _spareGauss = radius * Math.Sin(angle);
        return mu + sigma * radius * Math.Cos(angle);
    }

    /// <summary>Pareto with shape <paramref name="alpha"/> and minimum 1.</summary>
    public double Pareto(double alpha) => 1 / Math.Pow(1 - Next(), 1 / alpha);

    /// <summary>Exponential with rate <paramref name="rate"/> (mean 1 / rate).</summary>
    public double Exponential(double rate) => -Math.Log(1 - Next()) / rate;
}
