using System.Text.Json;

namespace Surge.Bench.Chaos;

/// <summary>
/// What the faults really did and when (wall clock, UTC ms, the clock the silos' run logs use): which pid died when,
/// the windows in which the Redis link was cut, Redis stalled or the links were slow, and those in which a silo was cut off from the others (from the cut
/// until it served again: healed, or restarted after it stopped itself). Each entry also goes to stderr as one JSON line.
/// </summary>
internal sealed class FaultJournal(DateTimeOffset start)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, long> _ended = [];
    private readonly List<(long From, long To)> _cuts = [];
    private readonly List<(long From, long To)> _partitions = [];
    private readonly List<(long From, long To)> _stalls = [];
    private readonly List<(long From, long To)> _slows = [];
    private readonly Dictionary<string, int> _counts = [];

    public DateTimeOffset Start { get; } = start;

    /// <summary>When each stopped silo process ended (killed, or exited after SIGTERM), by pid.</summary>
    public IReadOnlyDictionary<int, long> Ended { get { lock (_gate) return new Dictionary<int, long>(_ended); } }

    public IReadOnlyList<(long From, long To)> Cuts { get { lock (_gate) return [.. _cuts]; } }

    public IReadOnlyList<(long From, long To)> Partitions { get { lock (_gate) return [.. _partitions]; } }

    /// <summary>When Redis was stalled (its connections open, nothing answered).</summary>
    public IReadOnlyList<(long From, long To)> Stalls { get { lock (_gate) return [.. _stalls]; } }

    /// <summary>When the links were slow.</summary>
    public IReadOnlyList<(long From, long To)> Slows { get { lock (_gate) return [.. _slows]; } }

    public IReadOnlyDictionary<string, int> Counts { get { lock (_gate) return new Dictionary<string, int>(_counts); } }

    public void ProcessEnded(int pid, DateTimeOffset at)
    {
        lock (_gate) _ended[pid] = at.ToUnixTimeMilliseconds();
    }

    public void Cut(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate) _cuts.Add((from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));
    }

    public void Partition(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate) _partitions.Add((from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));
    }

    public void Stall(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate) _stalls.Add((from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));
    }

    public void Slow(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate) _slows.Add((from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));
    }

    public void Note(string fault, object details, bool counts = true)
    {
        if (counts) lock (_gate) _counts[fault] = _counts.GetValueOrDefault(fault) + 1;
        var at = Math.Round((DateTimeOffset.UtcNow - Start).TotalSeconds, 1);
        Console.Error.WriteLine($"{{\"fault\":{JsonSerializer.Serialize(fault)},\"at_s\":{at},\"details\":{JsonSerializer.Serialize(details)}}}");
    }
}
