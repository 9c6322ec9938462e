namespace Surge.Entities;

/// <summary>
/// One entity at a time inside a reentrant activation: what a non-reentrant grain per entity gave, without an
/// activation per entity. Used on the activation's own scheduler (one thread at a time), so it needs no lock.
/// </summary>
internal sealed class EntityGates
{
    private readonly Dictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public bool IsHeld(string entity) => _gates.ContainsKey(entity);

    /// <summary>Waits until nothing else of the entity is under way, then holds its gate until disposed.</summary>
    public async ValueTask<Gate> EnterAsync(string entity)
    {
        while (_gates.TryGetValue(entity, out var busy)) await busy.Task;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gates[entity] = gate;
        return new Gate(_gates, entity, gate);
    }

    public sealed class Gate(Dictionary<string, TaskCompletionSource> gates, string entity, TaskCompletionSource gate) : IDisposable
    {
        private bool _open;

        public void Dispose()
        {
            if (_open) return;
            _open = true;
            gates.Remove(entity);
            gate.SetResult();
        }
    }
}
