using Orleans.Storage;

namespace Surge;

/// <summary>
/// A grain's state changes as it is stored, or not at all: what a caller may read is what is stored. A write the store
/// refused is undone in memory and reported as <see cref="SurgeStoreUnavailableException"/>, which a client retries, not
/// as the store client's own exception, which a client cannot even deserialize. A version conflict passes as it is:
/// Orleans then deactivates the activation, and the next one reads what is stored.
/// </summary>
internal static class StateWrites
{
    /// <summary>Writes the grain's state; if the write fails, runs <paramref name="undo"/> so nobody reads what is not stored.</summary>
    public static async Task WriteOrUndoAsync<T>(this IPersistentState<T> state, Action undo, string what = "the change")
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            undo();
            if (e is InconsistentStateException) throw;
            throw Refused(what, e);
        }
    }

    /// <summary>Clears the grain's stored state (and its state in memory, once cleared).</summary>
    public static async Task ClearOrThrowAsync<T>(this IPersistentState<T> state, string what)
    {
        try
        {
            await state.ClearStateAsync();
        }
        catch (Exception e) when (e is not InconsistentStateException)
        {
            throw Refused(what, e);
        }
    }

    private static SurgeStoreUnavailableException Refused(string what, Exception e)
        => new($"the store could not record {what} ({e.GetBaseException().Message}); retry");
}
