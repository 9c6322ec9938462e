namespace Surge.Pools;

/// <summary>
/// Runs that would outlive this silo's process: a handler's threads die with it, but a program it started leads a
/// process group of its own, which nothing else stops. Left running, it would overlap the run another silo starts
/// when the task is recovered. A stopping silo stops them after its drain, before it exits.
/// </summary>
internal interface IOutlivingRuns
{
    /// <summary>
    /// Stops every run still going, and any that starts later: asks each to end, and ends it by force at most
    /// <paramref name="grace"/> later. Completes when all have been ended.
    /// </summary>
    Task StopAllAsync(TimeSpan grace);
}
