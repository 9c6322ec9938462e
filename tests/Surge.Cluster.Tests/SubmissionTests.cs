namespace Surge.Cluster.Tests;

[Collection("cluster")]
public class SubmissionTests(ClusterFixture fixture)
{
    private readonly Surge.Client.ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Submit_SameIdTenTimesConcurrently_RunsOnce()
    {
        var id = Guid.NewGuid().ToString("N");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _client.SubmitAsync(TaskSpec.Create(CountingHandler.TypeName, id: id))));
        var final = await _client.WaitAsync(id);
        Assert.Equal(TaskState.Succeeded, final.State);
        Assert.All(statuses, s => Assert.Equal(id, s.Id));
        // A second run, if there were one, was dispatched with the first (every submission had returned before the first
        // run ended): once no pool holds anything, it has run.
        await Eventually.TrueAsync(async () => (await _client.GetPoolsAsync()).All(p => p.Running == 0 && p.Queued == 0), "every pool idle");
        Assert.Equal(1, CountingHandler.Runs[id]);
        Assert.Equal(1, final.Attempts);
    }

    [Fact]
    public async Task Submit_AgainAfterFinished_ReturnsFirstResultAndDoesNotRun()
    {
        var id = Guid.NewGuid().ToString("N");
        await _client.SubmitAsync(TaskSpec.Create(CountingHandler.TypeName, id: id));
        var first = await _client.WaitAsync(id);
        var again = await _client.SubmitAsync(TaskSpec.Create(CountingHandler.TypeName, "{\"other\":1}", id: id));
        Assert.Equal((TaskState.Succeeded, first.FinishedAt), (again.State, again.FinishedAt));
        Assert.Equal(1, CountingHandler.Runs[id]);
    }

    // "As long as it takes", as .NET spells it: TimeSpan.MaxValue overflowed the deadline, so the wait threw
    // TimeoutException after its first wait slice, and Timeout.InfiniteTimeSpan (negative) at its first answer, while
    // the task ran on. Each call of a wait lasts at most a slice (5 s): a wait that outlives one and a half did not end there.
    [Fact]
    public async Task WaitAndRun_MaxValueOrInfiniteTimeout_OutliveAWaitSliceAndEndWithTheTask()
    {
        var ids = Enumerable.Range(0, 3).Select(i => $"wait-long-{i}-{Guid.NewGuid():N}").ToArray();
        await _client.SubmitAsync(TaskSpec.Create(IntervalHandler.TypeName, id: ids[0]));
        await _client.SubmitAsync(TaskSpec.Create(IntervalHandler.TypeName, id: ids[1]));
        Task<TaskStatus>[] waits =
        [
            _client.WaitAsync(ids[0], TimeSpan.MaxValue),
            _client.WaitAsync(ids[1], Timeout.InfiniteTimeSpan),
            _client.RunAsync(TaskSpec.Create(IntervalHandler.TypeName, id: ids[2]), Timeout.InfiniteTimeSpan),
        ];
        var since = System.Diagnostics.Stopwatch.GetTimestamp();
        await Eventually.TrueAsync(() => waits.Any(w => w.IsCompleted) || System.Diagnostics.Stopwatch.GetElapsedTime(since) > Surge.Client.SurgeClientOptions.DefaultWaitSlice * 1.5,
            "a wait to end, or one and a half wait slices to pass");
        Assert.All(waits, w => Assert.False(w.IsCompleted, $"the wait ended while its task ran: {w.Exception?.GetBaseException().Message}"));
        foreach (var id in ids) IntervalHandler.Release(id);
        Assert.All(await Task.WhenAll(waits), s => Assert.Equal(TaskState.Succeeded, s.State));
    }

    [Theory]
    [InlineData("empty-id", "id")]
    [InlineData("oversized", "payload")]
    [InlineData("after-without-entity", "after")]
    [InlineData("unknown-type", "type")]
    public async Task Submit_Invalid_RejectedNamingFieldAndNothingRecorded(string caseName, string field)
    {
        var id = Guid.NewGuid().ToString("N");
        var spec = caseName switch
        {
            "empty-id" => TaskSpec.Create("simulate", id: ""),
            "oversized" => TaskSpec.Create("simulate", id: id) with { Payload = new byte[TaskValidator.DefaultMaxPayloadBytes + 1] },
            "after-without-entity" => TaskSpec.Create("simulate", id: id) with { After = "build.started" },
            _ => TaskSpec.Create("no-such-type", id: id),
        };
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(spec));
        Assert.Equal(field, e.Field);
        if (id.Length > 0 && caseName != "empty-id") Assert.Null(await _client.GetStatusAsync(id));
    }

    [Fact]
    public async Task Submit_InvalidSentPastTheClient_GrainRejectsNamingField()
    {
        var id = Guid.NewGuid().ToString("N");
        var shard = fixture.Surge.Cluster.Client.Shard(id);
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => shard.SubmitAsync(TaskSpec.Create("simulate", id: id) with { Sequence = 3 }));
        Assert.Equal("sequence", e.Field);
        Assert.Null(await shard.GetStatusAsync(id));
    }

    [Fact]
    public async Task GetStatus_SucceededTask_HasPoolTimingsAttemptsAndResult()
    {
        var id = Guid.NewGuid().ToString("N");
        await _client.SubmitAsync(TaskSpec.Create(CountingHandler.TypeName, id: id));
        var status = await _client.WaitAsync(id);
        Assert.Equal(TaskState.Succeeded, status.State);
        Assert.NotNull(status.Pool);
        Assert.True(status.SubmittedAt <= status.StartedAt && status.StartedAt <= status.FinishedAt);
        Assert.Equal(1, status.Attempts);
        Assert.Equal("\"counted\"", System.Text.Encoding.UTF8.GetString(status.Result.Span));
    }

    [Fact]
    public async Task GetStatus_UnknownId_IsNullAndWaitThrows()
    {
        Assert.Null(await _client.GetStatusAsync("never-submitted"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _client.WaitAsync("never-submitted"));
    }
}
