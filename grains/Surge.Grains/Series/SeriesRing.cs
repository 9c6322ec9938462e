namespace Surge.Series;

/// <summary>
/// A fixed number of the latest items, oldest first: what a silo keeps of its last minutes for the status page's
/// charts. Adding past <see cref="Capacity"/> drops the oldest; memory never grows. Not thread-safe: callers lock.
/// </summary>
internal sealed class SeriesRing<T>(int capacity)
{
    private readonly T[] _items = capacity > 0 ? new T[capacity] : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a ring holds at least one item");
    private int _next; // where the next item goes
    private int _count;

    public int Capacity => _items.Length;

    public int Count => _count;

    public void Add(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        if (_count < _items.Length) _count++;
    }

    /// <summary>The items, oldest first.</summary>
    public T[] ToArray()
    {
        var all = new T[_count];
        var start = (_next - _count + _items.Length) % _items.Length;
        for (var i = 0; i < _count; i++) all[i] = _items[(start + i) % _items.Length];
        return all;
    }
}
