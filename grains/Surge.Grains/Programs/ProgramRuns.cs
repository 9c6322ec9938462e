using Surge.Pools;

namespace Surge.Programs;

/// <summary>
/// This silo's programs while they run, so that a stopping silo can end those its drain gave up on (see
/// <see cref="IOutlivingRuns"/>). Each is stopped only through its <see cref="ProgramGroup"/>, which signals no
/// process but the ones it started.
/// </summary>
internal sealed class ProgramRuns(TimeProvider time) : IOutlivingRuns
{
    private readonly Lock _lock = new();
    private readonly HashSet<ProgramRun> _runs = [];
    private TimeSpan? _stopped; // the grace of StopAllAsync, once called

    /// <summary>
    /// Tracks a program until the returned run is disposed. Once the silo has stopped its programs, one that starts
    /// now is stopped at once: nothing would stop it later.
    /// </summary>
    public ProgramRun Add(ProgramGroup group, Task exited, TimeSpan grace)
    {
        var run = new ProgramRun(this, group, exited, grace);
        TimeSpan? stopped;
        lock (_lock)
        {
            stopped = _stopped;
            if (stopped is null) _runs.Add(run);
        }
        if (stopped is { } late) _ = run.StopAsync(late, time);
        return run;
    }

    public Task StopAllAsync(TimeSpan grace)
    {
        List<ProgramRun> runs;
        lock (_lock)
        {
            _stopped = grace;
            runs = [.. _runs];
        }
        return Task.WhenAll(runs.Select(r => r.StopAsync(grace, time)));
    }

    private void Remove(ProgramRun run)
    {
        lock (_lock) _runs.Remove(run);
    }

    /// <summary>One program while it runs: its group, its exit, and its type's grace between SIGTERM and SIGKILL.</summary>
    internal sealed class ProgramRun(ProgramRuns runs, ProgramGroup group, Task exited, TimeSpan grace) : IDisposable
    {
        private int _stoppedBySilo;

        /// <summary>The silo stopped it as it shut down: however it exited, it did not finish its work.</summary>
        public bool StoppedBySilo => Volatile.Read(ref _stoppedBySilo) != 0;

        // Its type's grace, but no longer than what is left of the silo's stop.
        public Task StopAsync(TimeSpan bound, TimeProvider time)
        {
            // Exited by itself, its work done (its handler still reads its pipes): nothing was cut short, and what it
            // left in its group dies as the handler returns.
            if (exited.IsCompleted) return Task.CompletedTask;
            Interlocked.Exchange(ref _stoppedBySilo, 1);
            return group.StopAsync(exited, grace < bound ? grace : bound, time);
        }

        public void Dispose() => runs.Remove(this);
    }
}
