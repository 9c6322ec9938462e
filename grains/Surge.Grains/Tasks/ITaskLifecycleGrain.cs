using Orleans.Concurrency;

namespace Surge.Tasks;

/// <summary>What the runtime tells a task's grain about it. Not for clients: they use <see cref="ITaskGrain"/>.</summary>
internal interface ITaskLifecycleGrain : IGrainWithStringKey
{
    /// <summary>The executor started it. One-way: a lost start only delays the Running state, the finish still lands.</summary>
    [OneWay]
    Task OnStartedAsync(TaskStart start);

    /// <summary>The executor finished it. The first final outcome is kept; later ones (a re-run after a crash) are ignored.</summary>
    Task OnFinishedAsync(TaskOutcome outcome);

    /// <summary>An entity event waited past its hold limit for its predecessor: it fails without running.</summary>
    [OneWay]
    Task OnExpiredAsync(string reason);
}
