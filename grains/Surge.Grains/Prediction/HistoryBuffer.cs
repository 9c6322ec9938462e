namespace Surge.Prediction;

/// <summary>
/// The most recent finished executions on this silo, oldest overwritten first: what the trainer learns from.
/// Bounded by <see cref="PredictorOptions.HistoryCapacity"/>; in this process's memory on embedded defaults.
/// </summary>
internal sealed class HistoryBuffer(int capacity)
{
    private readonly Lock _lock = new();
    private readonly HistoryRow[] _rows = new HistoryRow[capacity];
    private long _written;

    public long Written => Interlocked.Read(ref _written);

    public void Add(HistoryRow row)
    {
        lock (_lock)
        {
            _rows[_written % _rows.Length] = row;
            _written++;
        }
    }

    /// <summary>Up to <paramref name="max"/> of the newest rows, oldest first.</summary>
    public HistoryRow[] Newest(int max)
    {
        lock (_lock)
        {
            var count = (int)Math.Min(Math.Min(_written, _rows.Length), max);
            var result = new HistoryRow[count];
            for (var i = 0; i < count; i++) result[i] = _rows[(_written - count + i) % _rows.Length];
            return result;
        }
    }
}
