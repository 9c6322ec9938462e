using System.Diagnostics;
using System.Text.Json;
using Surge.Cluster.Tests.Processes;
using Surge.Replay.Generation;

namespace Surge.Cluster.Tests.Redis;

/// <summary>Generated workloads and `surge replay` processes against a Redis cluster.</summary>
internal static class Workload
{
    /// <summary>A workload from Surge's own generator, e.g. ("ordered", "--n", "500", "--gap-ms", "40").</summary>
    public static string Generate(string kind, params string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{kind}-{Guid.NewGuid():N}.jsonl");
        WorkloadGenerator.Write(new WorkloadOptions(Enum.Parse<WorkloadKind>(kind, ignoreCase: true),
            N: (int)Option(args, "n", 3000), GapMs: Option(args, "gap-ms", 4)), path);
        return path;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    public static double LastAtMs(string workload)
        => File.ReadLines(workload).Max(line => JsonDocument.Parse(line).RootElement.GetProperty("at_ms").GetDouble());

    /// <summary>For a failure message: which tasks of the workloads are not final, and where they stand.</summary>
    public static async Task<string> DescribeUnfinishedAsync(RedisServer redis, params string[] workloads)
    {
        await using var client = await RedisClient.StartAsync(redis);
        var lines = new List<string>();
        foreach (var id in workloads.SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!))
        {
            var status = await client.Surge.GetStatusAsync(id);
            if (status is not { IsFinal: true })
                lines.Add($"{id}: {status?.State.ToString() ?? "unknown"} attempts={status?.Attempts} entity={status?.Entity} event={status?.Event} pool={status?.Pool}");
        }
        return $"{lines.Count} unfinished:\n{string.Join('\n', lines.Take(40))}";
    }

    public static ReplayProcess StartReplay(RedisServer redis, string workload) => new(redis, workload);
}

/// <summary>A `surge replay` process with its report and per-task results files.</summary>
internal sealed class ReplayProcess : IDisposable
{
    private readonly string _report = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.json");
    private readonly string _results = Path.Combine(Path.GetTempPath(), $"results-{Guid.NewGuid():N}.jsonl");

    public ReplayProcess(RedisServer redis, string workload)
        => Process = ChildProcess.StartDotnet(Repo.CliDll, "replay", workload, "--out", _report, "--results", _results,
            $"--Surge:Redis:ConnectionString={redis.ConnectionString}", "--Surge:Client:MaxRetries=8");

    public ChildProcess Process { get; }

    public async Task<bool> TryWaitAsync(TimeSpan timeout)
    {
        try
        {
            await Process.WaitForExitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void AssertSucceeded() => Assert.True(Process.ExitCode == 0, $"replay exited {Process.ExitCode}:\n{Tail(Process.Stderr)}");

    public JsonElement Report() => JsonDocument.Parse(File.ReadAllText(_report)).RootElement.Clone();

    public IEnumerable<SeenResult> Results() => File.ReadLines(_results).Select(line =>
    {
        var e = JsonDocument.Parse(line).RootElement;
        return new SeenResult(e.GetProperty("id").GetString()!, e.GetProperty("state").GetString(),
            e.GetProperty("finished_at").ValueKind == JsonValueKind.Null ? null : e.GetProperty("finished_at").GetDateTimeOffset(),
            e.GetProperty("attempts").ValueKind == JsonValueKind.Null ? 0 : e.GetProperty("attempts").GetInt32(),
            e.GetProperty("started_at").ValueKind == JsonValueKind.Null ? null : e.GetProperty("started_at").GetDateTimeOffset());
    });

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    public void Dispose()
    {
        Process.Dispose();
        File.Delete(_report);
        File.Delete(_results);
    }
}

internal sealed record SeenResult(string Id, string? State, DateTimeOffset? FinishedAt, int Attempts, DateTimeOffset? StartedAt);
