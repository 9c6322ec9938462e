using Surge.Client;

namespace Surge.Cluster.Tests;

[Collection("cluster")]
public class TypedHandlerTests(ClusterFixture fixture)
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task RunAsync_Typed_ReturnsTheTypedResult()
    {
        var result = await _client.RunAsync(TypedTasks.Scale, new ScaleRequest("a.png", 320));

        Assert.Equal(new ScaleResult("a.png", 640, 1), result); // Served 1: the run's scoped service is its own
    }

    [Fact]
    public async Task RunAsync_NRuns_EachGetsItsOwnScopedInstanceDisposedWhenItEnds()
    {
        const int n = 8;
        var statuses = await Task.WhenAll(Enumerable.Range(0, n).Select(i => _client.RunAsync(TypedTasks.Scale.Create(new ScaleRequest($"n{i}", i)))));

        Assert.All(statuses, s => Assert.Equal(TaskState.Succeeded, s.State));
        Assert.Equal(Enumerable.Range(0, n).Select(i => i * 2), statuses.Select(s => s.GetResult(TypedTasks.Scale).Width).Order());
        // The scope is disposed before the outcome is reported, so each is disposed by the time its status is final.
        var instances = statuses.Select(s => Assert.Single(RunScopedLedger.Of(s.Id))).ToArray();
        Assert.Equal(n, instances.Distinct().Count());
        Assert.All(instances, i => Assert.True(i.Disposed));
        Assert.All(instances, i => Assert.Single(i.Served));
    }

    [Fact]
    public async Task RunAsync_BadPayload_FailsOnlyThatTaskOnceNamingTheField()
    {
        var bad = TaskSpec.Create(TypedTasks.Scale.Name, "{\"name\":\"b.png\",\"width\":\"wide\"}");
        var good = TypedTasks.Scale.Create(new ScaleRequest("g.png", 5));

        var statuses = await Task.WhenAll(_client.RunAsync(bad), _client.RunAsync(good));

        Assert.Equal((TaskState.Failed, 1, true), (statuses[0].State, statuses[0].Attempts, statuses[0].DeadLettered));
        Assert.Contains("$.width", statuses[0].Error);
        Assert.Contains("NonRetryableTaskException", statuses[0].Error);
        Assert.Empty(RunScopedLedger.Of(bad.Id)); // refused before the handler ran
        Assert.Equal(new ScaleResult("g.png", 10, 1), statuses[1].GetResult(TypedTasks.Scale));
        Assert.Equal(new ScaleResult("h.png", 2, 1), await _client.RunAsync(TypedTasks.Scale, new ScaleRequest("h.png", 1))); // the silos go on
    }

    [Fact]
    public async Task RunAsync_TypedTaskFails_ThrowsCarryingItsStatus()
    {
        var error = await Assert.ThrowsAsync<SurgeTaskFailedException>(() => _client.RunAsync(TypedTasks.Scale, new ScaleRequest("n.png", -1)));

        Assert.Equal((TaskState.Failed, TypedTasks.Scale.Name), (error.Status.State, error.Status.Type));
        Assert.Contains("width -1 is negative", error.Message);
        Assert.True(Assert.Single(RunScopedLedger.Of(error.Status.Id)).Disposed);
    }

    [Fact]
    public async Task SubmitAsync_Typed_ResultReadableFromStatus()
    {
        var submitted = await _client.SubmitAsync(TypedTasks.Scale, new ScaleRequest("s.png", 7));

        var final = await _client.WaitAsync(submitted.Id);

        Assert.Equal(new ScaleResult("s.png", 14, 1), final.GetResult<ScaleResult>());
    }
}
