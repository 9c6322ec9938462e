using System.Diagnostics;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Helm;

/// <summary>The real helm binary run over the repository's chart: on PATH, else where test.sh puts it.</summary>
internal static class Helm
{
    public static readonly string Chart = Path.Combine(Repo.Root, "helm", "surge");
    public static readonly string ProductionValues = Path.Combine(Chart, "ci", "production-values.yaml");

    private static readonly string Binary = Find();

    /// <summary><c>helm template</c>; fails the test with helm's own message when it refuses.</summary>
    public static async Task<Manifests> TemplateAsync(string? valuesFile = null, params string[] sets)
    {
        var result = await RunAsync(["template", "surge", Chart, "--namespace", "jobs", .. Options(valuesFile, sets)]);
        Assert.True(result.ExitCode == 0, $"helm template failed:\n{result.Stderr}");
        return Manifests.Parse(result.Stdout);
    }

    /// <summary><c>helm template</c> expected to refuse the values: helm's error text.</summary>
    public static async Task<string> TemplateErrorAsync(params string[] sets)
    {
        var result = await RunAsync(["template", "surge", Chart, .. Options(null, sets)]);
        Assert.True(result.ExitCode != 0, $"helm template accepted {string.Join(' ', sets)}:\n{result.Stdout}");
        return result.Stderr;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> LintAsync(string? valuesFile = null, params string[] sets)
        => RunAsync(["lint", "--strict", Chart, .. Options(valuesFile, sets)]);

    private static IEnumerable<string> Options(string? valuesFile, string[] sets)
        => (valuesFile is null ? [] : new[] { "-f", valuesFile }).Concat(sets.SelectMany(s => new[] { "--set", s }));

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "helm")).FirstOrDefault(File.Exists);
        var fetched = Path.Combine(Repo.Root, "artifacts", "tools", "helm", "helm");
        return onPath ?? (File.Exists(fetched) ? fetched
            : throw new FileNotFoundException($"helm is not on PATH nor at {fetched}; run ./test.sh, which fetches it"));
    }
}
