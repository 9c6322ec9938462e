using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Replay.Generation;

/// <summary>
/// Surge's own workload generator: the JSON Lines workloads replay, the benchmarks and predictor training read, with
/// the format and distributions of the reference generator. Deterministic for given options.
/// </summary>
public static class WorkloadGenerator
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static IReadOnlyList<GeneratedTask> Generate(WorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new WorkloadRandom(options.Seed);
        return options.Kind switch
        {
            WorkloadKind.History => History(new WorkloadWorld(options.World, options.Shift), random, options.N),
            WorkloadKind.Mixed => Arrivals(new WorkloadWorld(options.World, options.Shift), random, options, burst: false),
            WorkloadKind.Burst => Arrivals(new WorkloadWorld(options.World, options.Shift), random, options, burst: true),
            _ => Ordered(random, options.N, options.GapMs),
        };
    }

    /// <summary>Writes the workload to <paramref name="path"/>, one JSON object a line.</summary>
    public static void Write(WorkloadOptions options, string path)
    {
        using var writer = new StreamWriter(path);
        foreach (var task in Generate(options)) writer.WriteLine(JsonSerializer.Serialize(task, Json));
    }

    private static List<GeneratedTask> History(WorkloadWorld world, WorkloadRandom random, int n)
        => [.. Enumerable.Range(0, n).Select(i => world.Task(random, i, random.Next() * 86_400_000))];

    // Open-loop Poisson arrivals sized so the work keeps Utilization of Slots busy; a burst is ten times the rate
    // from 10 s to 30 s.
    private static List<GeneratedTask> Arrivals(WorkloadWorld world, WorkloadRandom random, WorkloadOptions options, bool burst)
    {
        var mean = Enumerable.Range(0, 5000).Average(_ => world.Task(random, -1, 0).DurationMs);
        var rate = options.Utilization * options.Slots / mean * (burst ? 0.2 : 1);
        var tasks = new List<GeneratedTask>(options.N);
        var t = 0.0;
        for (var i = 0; i < options.N; i++)
        {
            var phase = Math.Floor(t / 10_000);
            t += random.Exponential(burst && phase is 1 or 2 ? rate * 10 : rate);
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
            events.Add(new GeneratedTask($"e-{i++:000000}", (long)t, "build-event", key, "build.started", null,
                new Dictionary<string, object> { ["chroot"] = random.Choice(chroots) }, Math.Round(5 + random.Next() * 20, 1), 8.0));
            ends.Add((t + random.Exponential(1 / (gapMs * 3)), key));
        }
        foreach (var (at, key) in ends)
        {
            events.Add(new GeneratedTask($"e-{i++:000000}", (long)at, "build-event", key, "build.finished", "build.started",
                new Dictionary<string, object> { ["chroot"] = "any" }, Math.Round(1 + random.Next() * 4, 1), 8.0));
        }
        return [.. events.OrderBy(e => e.AtMs)]; // stable: equal times keep their order
    }
}

/// <summary>One generated task, serialized with the workload format's field names.</summary>
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
