namespace Surge.Pools;

/// <summary>
/// Keeps the thread pool's floor of worker threads above what handlers may hold, so that handlers that block their
/// thread (synchronous I/O, a lock, <c>Thread.Sleep</c>: what Hangfire and Celery users write) cannot starve the silo
/// of the threads it answers calls, probes and reports with.
/// </summary>
/// <remarks>
/// Handlers run on the thread pool, and below its floor (the core count by default) it adds threads at once; above
/// it, only as it sees work wait, about two a second. Every slot of a 16-slot silo blocked for 3 s left a status call
/// waiting 6.2 s (<c>BlockingHandlerTests</c>): long enough for the other silos to declare a silo dead. The floor is one
/// thread per slot, one per abandoned handler still holding its thread (a slot past its hard limit is freed, its
/// thread is not), and the cores for the silo's own work. Threads under the floor are made only when work waits for
/// them, so a silo whose handlers await costs nothing more. It is only ever raised: the pool is the process's, which
/// may host another silo or set its own.
/// </remarks>
internal sealed class HandlerThreads
{
    private readonly int _slots;
    private int _abandoned;

    public HandlerThreads(int slots)
    {
        _slots = slots;
        Raise();
    }

    /// <summary>The floor for <paramref name="slots"/> slots and <paramref name="abandoned"/> abandoned handlers.</summary>
    public static int Floor(int slots, int abandoned, int processors, int maxThreads)
        => (int)Math.Min(maxThreads, (long)slots + abandoned + processors);

    /// <summary>A handler past its hard limit was abandoned: it holds its thread until <see cref="Returned"/>.</summary>
    public void Abandoned()
    {
        Interlocked.Increment(ref _abandoned);
        Raise();
    }

    /// <summary>An abandoned handler returned its thread.</summary>
    public void Returned() => Interlocked.Decrement(ref _abandoned);

    private void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        var floor = Floor(_slots, Volatile.Read(ref _abandoned), Environment.ProcessorCount, maxWorkers);
        if (floor > workers) ThreadPool.SetMinThreads(floor, io);
    }
}
