using Surge.Client;

namespace Surge.Cluster.Tests;

public class CancelTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Cancel_RunningTask_CancelsItsToken()
    {
        var spec = TaskSpec.Create(PatientHandler.TypeName);
        await _client.SubmitAsync(spec);
        await Eventually.TrueAsync(() => PatientHandler.Started.ContainsKey(spec.Id), $"{spec.Id} running", Limit);

        var cancelled = await _client.CancelAsync(spec.Id);
        Assert.Equal(TaskState.Cancelled, cancelled!.State);
        await Eventually.TrueAsync(() => PatientHandler.Cancelled.ContainsKey(spec.Id), $"{spec.Id}'s token cancelled", Limit);
        Assert.Equal(TaskState.Cancelled, (await _client.GetStatusAsync(spec.Id))!.State); // its late failure changes nothing
        await Eventually.TrueAsync(async () => (await _client.GetPoolsAsync()).Sum(p => p.Running) == 0, "its slot free", Limit);
    }

    [Fact]
    public async Task Cancel_RunningTaskManyTimesAtOnce_OneCancelOneFinalStateSlotFree()
    {
        var spec = TaskSpec.Create(PatientHandler.TypeName);
        await _client.SubmitAsync(spec);
        await Eventually.TrueAsync(() => PatientHandler.Started.ContainsKey(spec.Id), $"{spec.Id} running", Limit);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.CancelAsync(spec.Id)));

        Assert.All(answers, a => Assert.Equal(TaskState.Cancelled, a!.State));
        Assert.Single(answers.Select(a => a!.FinishedAt).Distinct()); // one cancel; the rest read it
        await Eventually.TrueAsync(() => PatientHandler.Cancelled.ContainsKey(spec.Id), $"{spec.Id}'s token cancelled", Limit);
        var again = await _client.CancelAsync(spec.Id); // after its handler has ended: still nothing changes
        Assert.Equal((TaskState.Cancelled, answers[0]!.FinishedAt), (again!.State, again.FinishedAt));
        await Eventually.TrueAsync(async () => (await _client.GetPoolsAsync()).Sum(p => p.Running) == 0, "its slot free", Limit);
    }

    [Fact]
    public async Task Cancel_QueuedTask_NeverStarts()
    {
        // Every slot of both silos busy, and more waiting: a task submitted now queues. Tasks land on silos by the
        // hash of their ids, so enough of them that each silo surely gets at least three.
        var blockers = Enumerable.Range(0, 24).Select(_ => TaskSpec.Create(PatientHandler.TypeName)).ToList();
        foreach (var blocker in blockers) await _client.SubmitAsync(blocker);
        await Eventually.TrueAsync(async () => (await _client.GetPoolsAsync()) is var pools && pools.All(p => p.Running == p.Limit && p.Queued > 0),
            "every slot of both silos busy and work queued behind", Limit);
        var queued = await _client.SubmitAsync(TaskSpec.Create(CountingHandler.TypeName));
        Assert.Equal(TaskState.Queued, queued.State);

        Assert.Equal(TaskState.Cancelled, (await _client.CancelAsync(queued.Id))!.State);
        foreach (var blocker in blockers) await _client.CancelAsync(blocker.Id);
        await Eventually.TrueAsync(async () => (await _client.GetPoolsAsync()).All(p => p.Running == 0 && p.Queued == 0), "every pool idle", Limit);
        Assert.False(CountingHandler.Runs.ContainsKey(queued.Id));
        Assert.Equal(TaskState.Cancelled, (await _client.GetStatusAsync(queued.Id))!.State);
        Assert.True(blockers.Count(b => PatientHandler.Started.ContainsKey(b.Id)) >= 4); // the ones that ran were cancelled running
    }

    [Fact]
    public async Task Cancel_HeldEvent_NeverRunsAndCountsAsHandled()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var finished = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "finished", after: "started");
        var report = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "report", after: "finished");
        Assert.Equal(TaskState.Held, (await _client.SubmitAsync(finished)).State);
        Assert.Equal(TaskState.Held, (await _client.SubmitAsync(report)).State);

        Assert.Equal(TaskState.Cancelled, (await _client.CancelAsync(finished.Id))!.State);
        // "report" waited for "finished", which is handled now (cancelled): it runs once "started" has run.
        Assert.Equal(TaskState.Succeeded, (await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "started"), TimeSpan.FromSeconds(30))).State);
        Assert.Equal(TaskState.Succeeded, (await _client.WaitAsync(report.Id, TimeSpan.FromSeconds(30))).State);
        Assert.False(CountingHandler.Runs.ContainsKey(finished.Id));
    }

    [Fact]
    public async Task Cancel_FinalOrUnknown_ChangesNothing()
    {
        var done = await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName));
        Assert.Equal(TaskState.Succeeded, (await _client.CancelAsync(done.Id))!.State);
        Assert.Null(await _client.CancelAsync("no-such-task"));
    }
}
