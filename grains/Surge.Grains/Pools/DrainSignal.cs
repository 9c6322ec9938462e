namespace Surge.Pools;

/// <summary>
/// Fires when this silo has drained its work and is about to deactivate its grains. Calls parked in a grain (a
/// client waiting for a task) return then, so Orleans does not wait for them before it can deactivate the grain.
/// </summary>
internal sealed class DrainSignal
{
    private readonly CancellationTokenSource _drained = new();

    public CancellationToken Drained => _drained.Token;

    public void Fire() => _drained.Cancel();
}
