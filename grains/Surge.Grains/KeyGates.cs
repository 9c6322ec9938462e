namespace Surge;

/// <summary>
/// One change at a time per key (a task, an entity) inside a reentrant activation: what a non-reentrant grain per key
/// would give, without an activation per key. Used on the activation's own scheduler (one thread at a time), so it
/// needs no lock. Task shards gate each task with it, entity shards each entity, a schedule its stored state.
/// </summary>
internal sealed class KeyGates
{
    private readonly Dictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    /// <summary>Keys with a change under way.</summary>
    public int Count => _gates.Count;

    public bool IsHeld(string key) => _gates.ContainsKey(key);

    /// <summary>Waits until nothing else of the key is under way, then holds its gate until disposed.</summary>
    public async ValueTask<Gate> EnterAsync(string key)
    {
        while (_gates.TryGetValue(key, out var busy)) await busy.Task;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gates[key] = gate;
        return new Gate(_gates, key, gate);
    }

    public sealed class Gate(Dictionary<string, TaskCompletionSource> gates, string key, TaskCompletionSource gate) : IDisposable
    {
        private bool _open;

        public void Dispose()
        {
            if (_open) return;
            _open = true;
            gates.Remove(key);
            gate.SetResult();
        }
    }
}
