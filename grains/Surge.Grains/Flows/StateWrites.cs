namespace Surge.Flows;

internal static class StateWrites
{
    /// <summary>Writes the grain's state; if the write fails, undoes the change in memory, so nobody reads what is not stored.</summary>
    public static async Task WriteOrUndoAsync<T>(this IPersistentState<T> state, Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }
}
