using Surge.Client;
using Surge.Cluster.Tests.Processes;
using Surge.Cluster.Tests.Redis;

namespace Surge.Cluster.Tests.Faults;

/// <summary>Steps the fault tests share: the `surge` CLI against one silo's gateway, and describing what it saw.</summary>
internal static class FaultSteps
{
    private static readonly TimeSpan CliLimit = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Runs `surge ARGS --gateway` to <paramref name="silo"/>. The CLI talks to the gateway alone, never to Redis: what
    /// it reports is what the silo answered, whatever the state of the silo's own Redis link.
    /// </summary>
    public static Task<ChildProcess> SurgeAsync(RedisSilo silo, params string[] args)
        => ChildProcess.RunDotnetAsync(Repo.CliDll, CliLimit, [.. args, "--gateway", $"127.0.0.1:{silo.GatewayPort}"]);

    /// <summary>The <c>state:</c> line of a CLI status printout, or null.</summary>
    public static string? State(ChildProcess cli)
        => cli.Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("state:", StringComparison.Ordinal))?["state:".Length..].Trim();

    public static string Describe(ChildProcess cli) => $"exit {cli.ExitCode}, state {State(cli) ?? "-"}, stderr: {Last(cli.Stderr)}";

    /// <summary>The task's final status within <paramref name="limit"/>, or its last status if it is not final by then.</summary>
    public static async Task<TaskStatus?> FinalOrLastAsync(ISurgeClient client, string id, TimeSpan limit)
    {
        try
        {
            return await client.WaitAsync(id, limit);
        }
        catch (TimeoutException)
        {
            return await client.GetStatusAsync(id);
        }
    }

    public static string Show(TaskStatus? s)
        => s is null ? "no such task" : $"{s.State}{(s.DeadLettered ? " (dead-lettered)" : "")}, attempts {s.Attempts}, error {s.Error ?? "-"}";

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "-" : lines[^1].Trim();
    }
}
