using System.Diagnostics;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>
/// The trial Redis as the chart runs it, on a real redis-server: its arguments and environment with the Secret expanded
/// as the kubelet does. Without the password it refuses; its readiness probe signs in; the silos' connection string
/// from the same Secret connects.
/// </summary>
[Trait("Category", "Helm")]
public class TrialRedisTests
{
    [Fact]
    public async Task RenderedRedis_RequiresThePasswordTheSilosConnectWith()
    {
        var chart = await Helm.TemplateAsync();
        var secret = chart.Named("Secret", "surge-redis")["stringData"]!;
        var container = (JsonObject)chart.Named("StatefulSet", "surge-redis")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string)secret[(string)e!["valueFrom"]!["secretKeyRef"]!["key"]!]!);
        var port = Repo.FreePort();
        var dir = Directory.CreateTempSubdirectory("surge-trial-redis-").FullName;
        // The container's own arguments, $(VAR) expanded from its environment as the kubelet does; here on a free port.
        var args = container["args"]!.AsArray().Select(a => env.Aggregate((string)a!, (arg, v) => arg.Replace($"$({v.Key})", v.Value, StringComparison.Ordinal)))
            .Select(a => a == "/data" ? dir : a).Concat(["--port", $"{port}", "--bind", "127.0.0.1", "--save", ""]);
        using var redis = Start("redis-server", args, new Dictionary<string, string>());
        try
        {
            await Repo.WaitForPortAsync(port, TimeSpan.FromSeconds(5), "redis-server", () => redis.HasExited ? $"exit code {redis.ExitCode}" : null);

            Assert.Contains("NOAUTH", await RunAsync("redis-cli", ["-p", $"{port}", "ping"], new Dictionary<string, string>()));
            var probe = container["readinessProbe"]!["exec"]!["command"]!.AsArray().Select(a => (string)a!).ToList();
            Assert.Equal("PONG", (await RunAsync(probe[0], ["-p", $"{port}", .. probe.Skip(1)], env)).Trim());

            var silos = ((string)secret["connection-string"]!).Replace("surge-redis:6379", $"127.0.0.1:{port}", StringComparison.Ordinal);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(silos);
            await connection.GetDatabase().PingAsync();
        }
        finally
        {
            redis.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in env) info.Environment[name] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in env) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return await output + await error;
    }
}
