namespace Surge.Pools;

/// <summary>
/// A record of every handler run on this silo, for fault benchmarks that check the runtime's promises from outside
/// (<c>Surge:Workers:RunLog</c>). Off by default: <see cref="NoRunLog"/>.
/// </summary>
internal interface IRunLog
{
    /// <summary>A handler is about to run this attempt of the task.</summary>
    void Started(WorkItem item, DateTimeOffset startedAt);

    /// <summary>The run ended (the handler returned or threw, or passed its hard limit and was abandoned).</summary>
    void Ended(WorkItem item, DateTimeOffset endedAt, bool succeeded);
}

/// <summary>The default: runs are not recorded.</summary>
internal sealed class NoRunLog : IRunLog
{
    public static readonly NoRunLog Instance = new();

    public void Started(WorkItem item, DateTimeOffset startedAt)
    {
    }

    public void Ended(WorkItem item, DateTimeOffset endedAt, bool succeeded)
    {
    }
}
