namespace Surge.Replay.Generation;

/// <summary>
/// <see cref="WorkloadKind.ShortBurst"/>: issue 20's case, "a burst of short tasks" over steady mixed work. The mixed
/// arrivals run at the quiet rate of <see cref="WorkloadKind.Burst"/> throughout; from 10 s to 30 s a second stream of
/// short tasks only (under <see cref="WorkloadTask.ShortMs"/>) adds nine times the quiet rate's work, so the work over
/// time is burst's and only the burst's surplus changes kind. Short tasks are drawn from the same world, keeping the
/// first draw that is short. Not in the reference generator: no byte-for-byte counterpart.
/// </summary>
internal static class ShortBurstWorkload
{
    private const double BurstFromMs = 10_000, BurstToMs = 30_000, Surplus = 9;

    public static List<GeneratedTask> Generate(WorkloadWorld world, WorkloadRandom random, WorkloadOptions options)
    {
        var mean = Mean(world, random, shortOnly: false);
        var shortMean = Mean(world, random, shortOnly: true);
        var quiet = 0.2 * options.Utilization * options.Slots / mean;        // tasks per ms, as burst's quiet phase
        var shortRate = Surplus * quiet * mean / shortMean;                  // nine times that work, in short tasks
        var tasks = new List<GeneratedTask>(options.N);
        var nextMixed = random.Exponential(quiet);
        var nextShort = BurstFromMs + random.Exponential(shortRate);
        for (var i = 0; i < options.N; i++)
        {
            if (nextShort < BurstToMs && nextShort < nextMixed)
            {
                tasks.Add(Short(world, random, i, nextShort));
                nextShort += random.Exponential(shortRate);
            }
            else
            {
                tasks.Add(world.Task(random, i, nextMixed));
                nextMixed += random.Exponential(quiet);
            }
        }
        return tasks;
    }

    private static GeneratedTask Short(WorkloadWorld world, WorkloadRandom random, int i, double atMs)
    {
        while (true)
        {
            var task = world.Task(random, i, atMs);
            if (task.DurationMs < WorkloadTask.ShortMs) return task;
        }
    }

    private static double Mean(WorkloadWorld world, WorkloadRandom random, bool shortOnly)
    {
        var sum = 0.0;
        for (var i = 0; i < 5000; i++) sum += (shortOnly ? Short(world, random, -1, 0) : world.Task(random, -1, 0)).DurationMs;
        return sum / 5000;
    }
}
