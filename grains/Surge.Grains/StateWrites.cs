using Orleans.Storage;

namespace Surge;

/// <summary>
/// A grain's state changes as it is stored, or not at all: what a caller may read is what is stored. A write the store
/// refused is undone in memory and reported as <see cref="SurgeStoreUnavailableException"/>, which a client retries, not
/// as the store client's own exception, which a client cannot even deserialize. A version conflict ends the activation:
/// its version of the state is stale (a write it was told failed may have been stored, its answer lost, as when Redis
/// stalls past the command timeout and runs the write when it wakes), so no write of it can succeed again, and only a
/// new activation reads what is stored. Orleans ends it too when the conflict escapes a request, but not when a timer
/// or a background continuation catches it. The caller hears the same retryable refusal: the retry reaches the new
/// activation, which finds the change stored or stores it. Passed on raw, the conflict reached the client as a
/// "Version conflict" it does not retry, for a change its retry makes.
/// </summary>
internal static class StateWrites
{
    /// <summary>
    /// Writes the grain's state; if the write fails, runs <paramref name="undo"/> so nobody reads what is not stored.
    /// <paramref name="owner"/>: the grain whose state it is, ended on a version conflict.
    /// </summary>
    public static async Task WriteOrUndoAsync<T>(this IPersistentState<T> state, IGrainBase owner, Action undo, string what = "the change")
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            undo();
            if (e is InconsistentStateException)
            {
                owner.DeactivateOnIdle();
                throw Stale(what, e);
            }
            throw Refused(what, e);
        }
    }

    /// <summary>Clears the grain's stored state (and its state in memory, once cleared).</summary>
    public static async Task ClearOrThrowAsync<T>(this IPersistentState<T> state, IGrainBase owner, string what)
    {
        try
        {
            await state.ClearStateAsync();
        }
        catch (InconsistentStateException e)
        {
            owner.DeactivateOnIdle();
            throw Stale(what, e);
        }
        catch (Exception e)
        {
            throw Refused(what, e);
        }
    }

    private static SurgeStoreUnavailableException Refused(string what, Exception e)
        => new($"the store could not record {what} ({e.GetBaseException().Message}); retry");

    private static SurgeStoreUnavailableException Stale(string what, Exception e)
        => new($"the store could not record {what}: the stored state is newer than this copy of it (a write whose answer was lost may " +
            $"have been stored; {e.GetBaseException().Message}); retry");
}
