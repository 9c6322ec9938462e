namespace Surge.Telemetry;

/// <summary>
/// Live routing accuracy of this silo: of the last <see cref="Window"/> finished tasks routed to short or long, how
/// many were in the pool their actual duration belonged to.
/// </summary>
internal sealed class RoutingScore
{
    public const int Window = 1_000;

    private readonly Lock _lock = new();
    private readonly bool[] _recent = new bool[Window];
    private int _next, _count, _correct;

    public void Record(bool correct)
    {
        lock (_lock)
        {
            if (_count == Window && _recent[_next]) _correct--;
            _recent[_next] = correct;
            if (correct) _correct++;
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
        }
    }

    /// <summary>The fraction right over the window; null before the first routed task finished.</summary>
    public double? Accuracy
    {
        get { lock (_lock) return _count == 0 ? null : (double)_correct / _count; }
    }
}
