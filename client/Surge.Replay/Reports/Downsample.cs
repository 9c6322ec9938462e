namespace Surge.Replay.Reports;

/// <summary>
/// Bounds what a page carries: a replay of a million tasks has millions of events, and a browser draws a path of a few
/// thousand points just as well.
/// </summary>
public static class Downsample
{
    /// <summary>
    /// At most <paramref name="max"/> points of a series ordered by x. Splits x into <c>max / 2</c> equal buckets and
    /// keeps each bucket's lowest and highest point, in x order: peaks and troughs (a queue's spike) survive, which an
    /// every-n-th pick would skip. The first and last points are always kept.
    /// </summary>
    public static ChartPoint[] MinMax(IReadOnlyList<ChartPoint> points, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 4);
        if (points.Count <= max) return [.. points];
        var buckets = (max - 2) / 2;
        var first = points[0];
        var last = points[^1];
        var width = (last.X - first.X) / buckets;
        var kept = new List<ChartPoint>(max) { first };
        var i = 1;
        for (var b = 0; b < buckets && i < points.Count - 1; b++)
        {
            var end = b == buckets - 1 ? double.PositiveInfinity : first.X + (b + 1) * width;
            int lowAt = -1, highAt = -1;
            for (; i < points.Count - 1 && points[i].X < end; i++)
            {
                if (lowAt < 0 || points[i].Y < points[lowAt].Y) lowAt = i;
                if (highAt < 0 || points[i].Y > points[highAt].Y) highAt = i;
            }
            if (lowAt < 0) continue;
            kept.Add(points[Math.Min(lowAt, highAt)]);
            if (lowAt != highAt) kept.Add(points[Math.Max(lowAt, highAt)]);
        }
        kept.Add(last);
        return [.. kept];
    }
}
