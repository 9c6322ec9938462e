using System.Text.Json.Serialization;

namespace Surge.Replay.Generation;

/// <summary>
/// Surge's own workload generator: the JSON Lines workloads replay, the benchmarks and predictor training read. For the
/// same options it writes byte for byte what the reference generator writes for the same arguments: it draws CPython's
/// <c>random.Random</c> stream (<see cref="WorkloadRandom"/>) in the reference's order, with its float operations.
/// </summary>
public static class WorkloadGenerator
{
    public static IReadOnlyList<GeneratedTask> Generate(WorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The reference builds the world before seeding the task stream; the two streams are independent either way.
        var world = options.Kind == WorkloadKind.Ordered ? null : new WorkloadWorld(options.World, options.Shift);
        var random = new WorkloadRandom(options.Seed);
        return options.Kind switch
        {
            WorkloadKind.History => History(world!, random, options.N),
            WorkloadKind.Mixed => Mixed(world!, random, options),
            WorkloadKind.Burst => Burst(world!, random, options),
            WorkloadKind.ShortBurst => ShortBurstWorkload.Generate(world!, random, options),
            _ => Ordered(random, options.N, options.GapMs),
        };
    }

    /// <summary>Writes the workload to <paramref name="path"/>, one JSON object a line, as the reference writes it.</summary>
    public static void Write(WorkloadOptions options, string path)
    {
        using var writer = new StreamWriter(path) { NewLine = "\n" };
        foreach (var task in Generate(options)) writer.WriteLine(WorkloadJson.Line(task));
    }

    private static List<GeneratedTask> History(WorkloadWorld world, WorkloadRandom random, int n)
    {
        var tasks = new List<GeneratedTask>(n);
        for (var i = 0; i < n; i++) tasks.Add(world.Task(random, i, random.Next() * 86_400_000));
        return tasks;
    }

    // The mean duration of 5000 sample tasks, summed left to right as Python 3.11's sum() does (3.12 compensates).
    private static double SampleMean(WorkloadWorld world, WorkloadRandom random)
    {
        var sum = 0.0;
        for (var i = 0; i < 5000; i++) sum += world.Task(random, -1, 0).DurationMs;
        return sum / 5000;
    }

    // Open-loop Poisson arrivals sized so the work keeps Utilization of Slots busy.
    private static List<GeneratedTask> Mixed(WorkloadWorld world, WorkloadRandom random, WorkloadOptions options)
    {
        var mean = SampleMean(world, random);
        var rate = options.Utilization * options.Slots / mean;
        var tasks = new List<GeneratedTask>(options.N);
        var t = 0.0;
        for (var i = 0; i < options.N; i++)
        {
            t += random.Exponential(rate);
            tasks.Add(world.Task(random, i, t));
        }
        return tasks;
    }

    // A fifth of the mixed rate, ten times that from 10 s to 30 s. The products are grouped as the reference groups
    // them ((0.2 * u) * slots / mean): regrouping changes the last bit, and with it every arrival after.
    private static List<GeneratedTask> Burst(WorkloadWorld world, WorkloadRandom random, WorkloadOptions options)
    {
        var mean = SampleMean(world, random);
        var quiet = 0.2 * options.Utilization * options.Slots / mean;
        var tasks = new List<GeneratedTask>(options.N);
        var t = 0.0;
        for (var i = 0; i < options.N; i++)
        {
            var phase = PythonFloat.FloorDiv(t, 10_000);
            t += random.Exponential(quiet * (phase is 1 or 2 ? 10 : 1));
            tasks.Add(world.Task(random, i, t));
        }
        return tasks;
    }

    // Builds' started and finished events the way a bus delivers them: starts and ends interleaved, ends often close
    // behind starts, sorted by delivery time.
    private static List<GeneratedTask> Ordered(WorkloadRandom random, int builds, double gapMs)
    {
        string[] chroots = ["f40", "f41", "rawhide", "epel9"];
        var events = new List<GeneratedTask>(builds * 2);
        var ends = new List<(double At, string Key)>(builds);
        var t = 0.0;
        var i = 0;
        for (var b = 0; b < builds; b++)
        {
            t += random.Exponential(1 / gapMs);
            var key = $"build/{b:00000}";
            var chroot = random.Choice(chroots);
            var duration = PythonFloat.Round(5 + random.Next() * 20, 1);
            events.Add(new GeneratedTask($"e-{i++:000000}", (long)t, "build-event", key, "build.started", null,
                new Dictionary<string, object> { ["chroot"] = chroot }, duration, 8.0));
            ends.Add((t + random.Exponential(1 / (gapMs * 3)), key));
        }
        foreach (var (at, key) in ends)
        {
            events.Add(new GeneratedTask($"e-{i++:000000}", (long)at, "build-event", key, "build.finished", "build.started",
                new Dictionary<string, object> { ["chroot"] = "any" }, PythonFloat.Round(1 + random.Next() * 4, 1), 8.0));
        }
        return [.. events.OrderBy(e => e.AtMs)]; // stable, as Python's sort: equal times keep their order
    }
}

/// <summary>One generated task, with the workload format's field names.</summary>
public sealed record GeneratedTask(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("at_ms")] long AtMs,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("entity")] string? Entity,
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("after")] string? After,
    [property: JsonPropertyName("features")] IReadOnlyDictionary<string, object> Features,
    [property: JsonPropertyName("duration_ms")] double DurationMs,
    [property: JsonPropertyName("memory_mb")] double MemoryMb);
