using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// Issue 20: the placement experiment (<c>bench placement</c>) still measures what docs/groups.md says it does. Two
/// silos of two groups in one process, a few thousand calls each way: both the placement filter and the director put
/// every call on a silo that hosts its pool, only the director knows the silo before the call, and with no host the
/// filter's call fails in placement. Figures are not asserted (the docs give them); a few seconds end to end.
/// </summary>
public class PlacementBenchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Placement_FilterAndDirector_EveryCallOnASiloHostingItsPool_NoHostFailsOnlyTheFilter()
    {
        var clock = Stopwatch.StartNew();
        using var bench = ChildProcess.StartDotnet(Repo.BenchDll, "placement", "--calls", "2000", "--window", "100", "--rounds", "1");
        try
        {
            await bench.WaitForExitAsync(Limit);
        }
        catch (OperationCanceledException)
        {
            Process.GetProcessById(bench.Pid).Kill(entireProcessTree: true);
            Assert.Fail($"bench placement did not finish within {Limit}:\n{Tail(bench.Stderr)}");
        }
        output.WriteLine($"bench placement took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(bench.ExitCode == 0, $"bench placement exited {bench.ExitCode}:\n{Tail(bench.Stderr)}");
        var line = bench.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        output.WriteLine(line);
        using var summary = JsonDocument.Parse(line);
        var root = summary.RootElement;

        foreach (var pool in new[] { "long", "short" })
        {
            foreach (var path in new[] { "director", "filter" })
            {
                var measured = root.GetProperty("pools").GetProperty(pool).GetProperty(path);
                Assert.True(measured.GetProperty("calls_per_s").GetDouble() > 0, $"{path} {pool}: no calls measured");
                Assert.Equal(0, measured.GetProperty("misplaced").GetInt32());
            }
        }
        Assert.True(root.GetProperty("silo_known_before_the_call").GetProperty("director").GetBoolean());
        Assert.False(root.GetProperty("silo_known_before_the_call").GetProperty("filter").GetBoolean());
        var noHost = root.GetProperty("no_host");
        Assert.StartsWith("none", noHost.GetProperty("director_pick").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("OrleansException", noHost.GetProperty("filter_call").GetString(), StringComparison.Ordinal);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(40));
}
