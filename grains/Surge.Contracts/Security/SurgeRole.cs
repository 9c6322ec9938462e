namespace Surge;

/// <summary>
/// What a client may do, each role including the ones below it. With security off (embedded defaults) every client is
/// <see cref="Admin"/>; with it on, a client's role comes from <c>Surge:Security:Clients</c> by its certificate subject
/// or API key.
/// </summary>
public enum SurgeRole
{
    /// <summary>Submit, run and wait for tasks, and read the tasks it submitted itself; list silos and pools.</summary>
    Submit = 1,

    /// <summary>Also: read and cancel any task, dead letters, schedules, concurrency, autoscale history, flows, states and waves.</summary>
    Operate = 2,

    /// <summary>Also: models (retrain, read the champion) and Orleans' management grain beyond the list of silos.</summary>
    Admin = 3,
}
