namespace Surge.Cluster.Tests;

[Collection("cluster")]
public class OrderingTests(ClusterFixture fixture)
{
    private readonly Surge.Client.ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Submit_1000EntitiesFinishedFirstConcurrently_EveryFinishedStartsAfterItsStartedFinished()
    {
        const int entities = 1000;
        var run = Guid.NewGuid().ToString("N")[..8];
        var submissions = Enumerable.Range(0, entities).Select(async i =>
        {
            var entity = $"build/{run}/{i}";
            var finished = Simulated.Task($"{run}-{i}-f", 1).ForEntity(entity, "build.finished", after: "build.started");
            var started = Simulated.Task($"{run}-{i}-s", 3).ForEntity(entity, "build.started");
            var f = await _client.SubmitAsync(finished); // the finish arrives first, on purpose
            var s = await _client.SubmitAsync(started);
            return (Started: s.Id, Finished: f.Id);
        });
        var pairs = await Task.WhenAll(submissions);

        var outcomes = await Task.WhenAll(pairs.Select(async p => (Started: await _client.WaitAsync(p.Started), Finished: await _client.WaitAsync(p.Finished))));
        Assert.All(outcomes, o =>
        {
            Assert.Equal(TaskState.Succeeded, o.Started.State);
            Assert.Equal(TaskState.Succeeded, o.Finished.State);
            Assert.True(o.Finished.StartedAt >= o.Started.FinishedAt,
                $"{o.Finished.Entity}: finished started at {o.Finished.StartedAt:O}, before started finished at {o.Started.FinishedAt:O}");
        });
    }

    [Fact]
    public async Task Submit_SequencedEventsInReverse_RunInSequenceOrder()
    {
        var entity = $"seq/{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var n = 5; n >= 1; n--)
        {
            var status = await _client.SubmitAsync(Simulated.Task($"{entity}-{n}", 1).ForEntity(entity, sequence: n));
            ids.Insert(0, status.Id);
        }
        var finals = await Task.WhenAll(ids.Select(id => _client.WaitAsync(id)));
        for (var i = 1; i < finals.Length; i++)
            Assert.True(finals[i].StartedAt >= finals[i - 1].FinishedAt, $"sequence {i + 1} started before {i} finished");
    }

    [Fact]
    public async Task Submit_EntityEventsEachSubmittedManyTimesAtOnce_EachRunsOnceOneAtATimeInOrder()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var entity = $"dup/{run}";
        var finished = TaskSpec.Create(IntervalHandler.TypeName, id: $"{run}-f").ForEntity(entity, "finished", after: "started");
        var started = TaskSpec.Create(IntervalHandler.TypeName, id: $"{run}-s").ForEntity(entity, "started");
        var note = TaskSpec.Create(IntervalHandler.TypeName, id: $"{run}-n").ForEntity(entity, "note");
        TaskSpec[] events = [finished, started, note];

        // Every event eight times at once, the dependent one first: duplicates race each other to their shards and entity.
        var answers = await Task.WhenAll(events.SelectMany(e => Enumerable.Repeat(e, 8)).Select(e => _client.SubmitAsync(e)));
        Assert.All(answers, a => Assert.Contains(a.Id, events.Select(e => e.Id)));

        var released = new HashSet<string>();
        for (var i = 0; i < events.Length; i++)
        {
            var running = await Eventually.ValueAsync(() => Task.FromResult(events.Where(e => IntervalHandler.IsRunning(e.Id)).Select(e => e.Id).ToList()),
                ids => ids.Except(released).Any(), $"the next event of {entity} to run");
            Assert.Single(running); // one at a time
            released.Add(running[0]);
            IntervalHandler.Release(running[0]);
        }

        var finals = await Task.WhenAll(events.Select(e => _client.WaitAsync(e.Id)));
        Assert.All(finals, f => Assert.Equal(TaskState.Succeeded, f.State));
        Assert.All(events, e => Assert.Equal(1, IntervalHandler.RunsOf(e.Id))); // each once, whatever the duplicates
        var runs = IntervalHandler.Runs.Where(r => r.Entity == entity).OrderBy(r => r.Start).ToList();
        for (var i = 1; i < runs.Count; i++)
            Assert.True(runs[i].Start >= runs[i - 1].End, $"{runs[i].TaskId} started before {runs[i - 1].TaskId} ended");
        Assert.True(runs.Single(r => r.TaskId == finished.Id).Start >= runs.Single(r => r.TaskId == started.Id).End);
    }

    [Fact]
    public async Task Submit_HeldEvent_DoesNotBlockOtherEntities()
    {
        var id = Guid.NewGuid().ToString("N");
        var held = await _client.SubmitAsync(Simulated.Task($"{id}-held", 1).ForEntity($"a/{id}", "finished", after: "started"));
        Assert.Equal(TaskState.Held, held.State);

        var other = await _client.WaitAsync((await _client.SubmitAsync(Simulated.Task($"{id}-other", 1).ForEntity($"b/{id}", "started"))).Id);
        Assert.Equal(TaskState.Succeeded, other.State);
        Assert.Equal(TaskState.Held, (await _client.GetStatusAsync(held.Id))!.State);
    }
}
