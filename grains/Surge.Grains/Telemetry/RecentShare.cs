namespace Surge.Telemetry;

/// <summary>
/// The share of yes among the last <see cref="Window"/> outcomes: a live ratio (routing accuracy, cache hits) that
/// follows what the silo does now rather than averaging its whole life.
/// </summary>
internal class RecentShare
{
    public const int Window = 1_000;

    private readonly Lock _lock = new();
    private readonly bool[] _recent = new bool[Window];
    private int _next, _count, _yes;

    public void Record(bool yes)
    {
        lock (_lock)
        {
            if (_count == Window && _recent[_next]) _yes--;
            _recent[_next] = yes;
            if (yes) _yes++;
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
        }
    }

    /// <summary>The fraction of yes over the window; null before the first outcome.</summary>
    public double? Share
    {
        get { lock (_lock) return _count == 0 ? null : (double)_yes / _count; }
    }
}
