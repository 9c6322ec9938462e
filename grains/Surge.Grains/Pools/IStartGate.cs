namespace Surge.Pools;

/// <summary>
/// What a task of a gated type needs before it may enter its pool (a slot of its type's cluster-wide cap, a start
/// token). The ledger asks; the gate owns its counts. Called under the ledger owner's lock: answer at once, never block.
/// </summary>
internal interface IStartGate
{
    /// <summary>Whether tasks of this type must pass the gate at all.</summary>
    bool Gates(string type);

    /// <summary>Takes what one task needs to start, if it is at hand.</summary>
    bool TryEnter(string type, long now);

    /// <summary>Gives back what <see cref="TryEnter"/> took: the task ended, or never started.</summary>
    void Leave(string type);
}

/// <summary>No type is gated.</summary>
internal sealed class OpenGate : IStartGate
{
    public static readonly OpenGate Instance = new();

    public bool Gates(string type) => false;

    public bool TryEnter(string type, long now) => true;

    public void Leave(string type)
    {
    }
}
