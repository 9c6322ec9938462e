using System.Collections.Concurrent;

namespace Surge.Bench;

/// <summary>
/// Counts the client's grain calls by method (each try of a retried call counts): how many gateway requests a task
/// costs, and which ones, beside a bench's rates.
/// </summary>
internal sealed class CallCounter : IOutgoingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        _calls.AddOrUpdate(context.InterfaceMethod?.Name ?? context.MethodName, 1, static (_, n) => n + 1);
        return context.Invoke();
    }

    /// <summary>The counts so far, and starts again from zero.</summary>
    public Dictionary<string, long> Take()
    {
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in _calls.Keys)
        {
            if (_calls.TryRemove(key, out var n)) taken[key] = n;
        }
        return taken;
    }
}
