using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Surge.Client;
using Surge.Cluster.Tests.Processes;
using Surge.Samples;

namespace Surge.Cluster.Tests.Samples;

/// <summary>
/// The sample worker run as a process: the sample client's typed calls and this test's own return typed results, and
/// its scoped thumbnail store is created once per run. The tests of this class run one at a time, so the worker's count
/// of stores moves only with the runs of the test at hand.
/// </summary>
public partial class SampleWorkerTests(SampleWorkerFixture worker) : IClassFixture<SampleWorkerFixture>
{
    // 4x4 in 2x2 blocks, dark and light: its 2x2 thumbnail is the blocks' values.
    private static readonly ResizeRequest Board = new("board", 4, 4,
        [0, 0, 255, 255, 0, 0, 255, 255, 255, 255, 0, 0, 255, 255, 0, 0], MaxSide: 2);

    [Fact]
    public async Task SampleClient_ThreeImagesAtOnce_ThreeTypedResultsFromThreeStores()
    {
        var before = worker.StoresCreated;

        using var client = await ChildProcess.RunDotnetAsync(Repo.SampleClientDll, TimeSpan.FromSeconds(60),
            "--gateway", worker.Gateway, "--count", "3", "--size", "96", "--max-side", "24");

        Assert.True(client.ExitCode == 0, $"exit {client.ExitCode}\n{client.Stdout}\n{client.Stderr}");
        var results = ResultLine().Matches(client.Stdout).ToList();
        Assert.Equal(["sample-1", "sample-2", "sample-3"], results.Select(r => r.Groups["name"].Value));
        Assert.All(results, r => Assert.Equal("96x96 -> 24x24", r.Groups["sizes"].Value));
        Assert.Equal(Enumerable.Range(before + 1, 3), results.Select(r => int.Parse(r.Groups["store"].Value)).Order());
        Assert.All(results, r => Assert.Equal("P5\n24 24\n255\n".Length + 24 * 24, new FileInfo(r.Groups["path"].Value).Length));
        await Eventually.TrueAsync(() => worker.StoresCreated == before + 3, "three stores created, one per run");
    }

    [Fact]
    public async Task RunAsync_ThreeRuns_TypedResultsAndOneStorePerRun()
    {
        var before = worker.StoresCreated;

        var results = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => worker.Surge.RunAsync(SampleTasks.Resize, Board with { Name = $"board-{i}" })));

        var pixels = new byte[] { 0, 255, 255, 0 };
        Assert.All(results, r => Assert.Equal((2, 2, 127.5, Convert.ToHexStringLower(SHA256.HashData(pixels))), (r.Width, r.Height, r.MeanLuminance, r.Sha256)));
        Assert.Equal(["board-1", "board-2", "board-3"], results.Select(r => r.Name));
        Assert.All(results, r => Assert.Equal(pixels, File.ReadAllBytes(r.StoredAs)[^4..]));
        Assert.Equal(Enumerable.Range(before + 1, 3), results.Select(r => r.Store).Order()); // a store of its own per run
        await Eventually.TrueAsync(() => worker.StoresCreated == before + 3, "three stores created, one per run");
    }

    [Fact]
    public async Task RunAsync_NotAnImage_FailsThatTaskOnceNamingTheFault()
    {
        var error = await Assert.ThrowsAsync<SurgeTaskFailedException>(
            () => worker.Surge.RunAsync(SampleTasks.Resize, Board with { Pixels = [1, 2, 3] }));

        Assert.Equal((TaskState.Failed, 1, true), (error.Status.State, error.Status.Attempts, error.Status.DeadLettered));
        Assert.Contains("pixels has 3 bytes; a 4x4 image has 16", error.Message);
        Assert.Equal(2, (await worker.Surge.RunAsync(SampleTasks.Resize, Board)).Width); // the worker goes on
    }

    [GeneratedRegex(@"^(?<name>\S+): (?<sizes>\d+x\d+ -> \d+x\d+), mean [\d.]+, sha256 [0-9a-f]{12}, written by store #(?<store>\d+) to (?<path>.+)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
