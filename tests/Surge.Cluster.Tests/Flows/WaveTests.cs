using System.Collections.Immutable;
using Surge.Client;
using Surge.Flows;

namespace Surge.Cluster.Tests.Flows;

[Collection("cluster")]
public class WaveTests(ClusterFixture fixture)
{
    private readonly ISurgeFlows _flows = fixture.Surge.Flows;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<string> StateAsync(params string[] entities)
    {
        var state = Unique("state");
        await _flows.AddToStateAsync(state, entities);
        return state;
    }

    private async Task<WaveStatus> RunAsync(FlowDefinition flow, string state, string? date = null, Dictionary<string, ImmutableArray<string>>? versions = null)
    {
        await _flows.RegisterAsync(flow);
        var started = await _flows.StartWaveAsync(new WaveRequest(flow.Name, state, date, versions?.ToImmutableDictionary()));
        var done = await _flows.WaitWaveAsync(started.Wave, Patience);
        Assert.True(done.IsDone, $"wave {done.Wave} not done: {string.Join("; ", done.Tasks)}");
        return done;
    }

    [Fact]
    public async Task Wave_Diamond_EveryEntityRunsItsGraphInOrder()
    {
        var entities = Enumerable.Range(0, 20).Select(i => $"e{i}").ToArray();
        var flow = new FlowBuilder(Unique("diamond"))
            .Task("load", FlowStepHandler.TypeName, "v1", output: "raw", payload: """{"sleep_ms": 5}""")
            .Task("left", FlowStepHandler.TypeName, "v1", output: "l", inputs: ["raw"], payload: """{"sleep_ms": 20}""")
            .Task("right", FlowStepHandler.TypeName, "v1", output: "r", inputs: ["raw"])
            .Task("join", FlowStepHandler.TypeName, "v1", output: "joined", inputs: ["l", "r"])
            .Build();

        var wave = await RunAsync(flow, await StateAsync(entities));

        Assert.Equal((20, 80, 80, 0, 0), (wave.Entities, wave.Steps, wave.Finished, wave.Degraded, wave.Failed));
        Assert.True(wave.MakespanSeconds > 0 && wave.CriticalPathSeconds > 0.02, $"makespan {wave.MakespanSeconds}, critical path {wave.CriticalPathSeconds}");
        var runs = FlowStepHandler.Of(wave.Wave);
        Assert.Equal(80, runs.Count); // each step once
        foreach (var entity in entities)
        {
            var mine = runs.Where(r => r.Entity == entity).ToDictionary(r => r.Task);
            Assert.True(mine["left"].Started >= mine["load"].Ended && mine["right"].Started >= mine["load"].Ended);
            Assert.True(mine["join"].Started >= mine["left"].Ended && mine["join"].Started >= mine["right"].Ended);
            Assert.Equal([$"left({entity})[load({entity})[]]", $"right({entity})[load({entity})[]]"], mine["join"].Inputs);
        }
    }

    [Fact]
    public async Task Wave_InputLate_RunsDegradedAtItsDependencyTimeoutWithThePipesThatExist()
    {
        var flow = new FlowBuilder(Unique("late"))
            .Task("fast", FlowStepHandler.TypeName, "v1", output: "a")
            .Task("slow", FlowStepHandler.TypeName, "v1", output: "b", payload: """{"sleep_ms": 4000}""")
            .Task("use", FlowStepHandler.TypeName, "v1", output: "c", inputs: ["a", "b"], dependencyTimeout: TimeSpan.FromSeconds(1))
            .Build();

        var wave = await RunAsync(flow, await StateAsync("late-1", "late-2"));

        var use = Assert.Single(wave.Tasks, t => t.Task == "use");
        Assert.Equal((0, 2), (use.Finished, use.Degraded));
        var runs = FlowStepHandler.Of(wave.Wave).Where(r => r.Task == "use").ToList();
        Assert.All(runs, r => Assert.True(r.Degraded));
        Assert.All(runs, r => Assert.Equal(["b"], r.Missing));
        Assert.All(runs, r => Assert.Equal([$"fast({r.Entity})[]"], r.Inputs));
        Assert.All(runs, r => Assert.True(r.Started < FlowStepHandler.Of(wave.Wave).Single(s => s.Task == "slow" && s.Entity == r.Entity).Ended));
    }

    [Fact]
    public async Task Wave_ProducerFails_ReaderRunsDegradedAtOnceAndFailureCounted()
    {
        var flow = new FlowBuilder(Unique("fails"))
            .Task("broken", FlowStepHandler.TypeName, "v1", output: "a", payload: """{"fail": true}""")
            .Task("after", FlowStepHandler.TypeName, "v1", output: "b", inputs: ["a"], dependencyTimeout: TimeSpan.FromHours(1))
            .Build();

        var wave = await RunAsync(flow, await StateAsync("f-1"));

        Assert.Equal((1, 1), (wave.Failed, wave.Degraded));
        Assert.True(wave.MakespanSeconds < 30, "the reader did not wait for its hour-long timeout");
    }

    [Fact]
    public async Task Wave_SamePipeKeyAgain_PipeNeverOverwrittenAndReadersSeeTheFirst()
    {
        var flow = new FlowBuilder(Unique("once"))
            .Task("x", FlowStepHandler.TypeName, "v1", output: "px", payload: """{"tag_with_wave": true}""")
            .Task("y", FlowStepHandler.TypeName, "v1", output: "py", inputs: ["px"])
            .Build();
        var state = await StateAsync("o-1");

        var first = await RunAsync(flow, state, date: "2026-11-01");
        var second = await RunAsync(flow, state, date: "2026-11-01"); // same pipe keys: x's second output differs (its wave's tag)

        Assert.Equal(0, second.Failed);
        var read = Assert.Single(FlowStepHandler.Of(second.Wave), r => r.Task == "y");
        Assert.Equal([$"x(o-1)[]#{first.Wave}"], read.Inputs);
        Assert.Contains(FlowStepHandler.Of(second.Wave), r => r.Task == "x"); // x ran again; its write was refused
    }

    [Fact]
    public async Task Compare_TwoVersionsSideBySide_FindsThePlantedDifference()
    {
        var entities = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray();
        var flow = new FlowBuilder(Unique("versions"))
            .Task("load", FlowStepHandler.TypeName, "v1", output: "raw")
            .Task("score", FlowStepHandler.TypeName, "v1", output: "scores", inputs: ["raw"], payload: """{"plant_entity": "c3", "plant_version": "v2"}""")
            .Task("report", FlowStepHandler.TypeName, "v1", output: "out", inputs: ["scores"])
            .Build();

        var wave = await RunAsync(flow, await StateAsync(entities), versions: new() { ["score"] = ["v1", "v2"] });
        var comparison = await _flows.CompareAsync(wave.Wave, "score");

        Assert.Equal(("v1", "v2", 10, 9, 1, 0), (comparison.VersionA, comparison.VersionB, comparison.Entities, comparison.Equal, comparison.Differ, comparison.Missing));
        Assert.Equal(["c3"], comparison.Differing.ToArray());
        Assert.Equal(2 * 10, wave.Tasks.Where(t => t.Task == "score").Sum(t => t.Finished));
        // Readers read the first version given.
        Assert.DoesNotContain(FlowStepHandler.Of(wave.Wave), r => r.Task == "report" && r.Inputs.Single().EndsWith('!'));
    }

    [Fact]
    public async Task Wave_StateChangedBetweenWaves_NextWaveRunsTheNewSet()
    {
        var flow = new FlowBuilder(Unique("states")).Task("only", FlowStepHandler.TypeName, "v1", output: "p").Build();
        var state = await StateAsync("s-1", "s-2");

        var first = await RunAsync(flow, state);
        await _flows.RemoveFromStateAsync(state, ["s-1"]);
        await _flows.AddToStateAsync(state, ["s-3"]);
        var second = await RunAsync(flow, state);

        Assert.Equal(["s-1", "s-2"], FlowStepHandler.Of(first.Wave).Select(r => r.Entity).Order());
        Assert.Equal(["s-2", "s-3"], FlowStepHandler.Of(second.Wave).Select(r => r.Entity).Order());
    }

    [Fact]
    public async Task StartWave_SameIdManyTimesAtOnce_OneWaveEachStepRunsOnce()
    {
        var entities = Enumerable.Range(0, 10).Select(i => $"e{i}").ToArray();
        var raw = Unique("raw");
        var flow = new FlowBuilder(Unique("again"))
            .Task("load", FlowStepHandler.TypeName, "v1", output: raw)
            .Task("score", FlowStepHandler.TypeName, "v1", output: Unique("scores"), inputs: [raw])
            .Build();
        await _flows.RegisterAsync(flow);
        var state = await StateAsync(entities);
        var id = Unique("wave");

        var starts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _flows.StartWaveAsync(new WaveRequest(flow.Name, state, WaveId: id))));
        Assert.All(starts, s => Assert.Equal((id, 10), (s.Wave, s.Entities)));
        var done = await _flows.WaitWaveAsync(id, Patience);
        Assert.True(done.IsDone, $"wave {id} not done: {string.Join("; ", done.Tasks)}");

        // Started again once done, with the state grown meanwhile: its status, and nothing new runs.
        await _flows.AddToStateAsync(state, ["late"]);
        var again = await _flows.StartWaveAsync(new WaveRequest(flow.Name, state, WaveId: id));
        Assert.Equal((10, 20, 20, done.FinishedAt), (again.Entities, again.Steps, again.Finished, again.FinishedAt));
        var runs = FlowStepHandler.Of(id);
        Assert.Equal(20, runs.Count); // each step of each entity once
        Assert.Equal(20, runs.Select(r => (r.Entity, r.Task)).Distinct().Count());
        Assert.DoesNotContain(runs, r => r.Entity == "late");
    }

    [Fact]
    public async Task Register_BadFlow_RefusedAtTheEdgeAndAtTheGrainNamingTaskAndField()
    {
        var bad = new FlowBuilder(Unique("bad"))
            .Task("a", FlowStepHandler.TypeName, "v1", output: "p")
            .Task("b", FlowStepHandler.TypeName, "v1", output: "q", inputs: ["missing"])
            .Unvalidated();

        var atClient = await Assert.ThrowsAsync<SurgeValidationException>(() => _flows.RegisterAsync(bad));
        var atGrain = await Assert.ThrowsAsync<SurgeValidationException>(() => fixture.Surge.Cluster.Client.GetGrain<IFlowGrain>(bad.Name).RegisterAsync(bad));

        Assert.All([atClient, atGrain], e => Assert.Equal("b.inputs", e.Field));
        Assert.Null(await _flows.GetAsync(bad.Name));
    }

    [Fact]
    public async Task StartWave_UnknownFlowOrBadDate_RefusedNamingTheField()
    {
        var state = await StateAsync("u-1");

        Assert.Equal("flow", (await Assert.ThrowsAsync<SurgeValidationException>(() => _flows.StartWaveAsync(new WaveRequest(Unique("nope"), state)))).Field);
        Assert.Equal("date", (await Assert.ThrowsAsync<SurgeValidationException>(() => _flows.StartWaveAsync(new WaveRequest("f", state, Date: "yesterday")))).Field);
    }

    [Fact]
    public async Task Schedule_Wave_StartsAWaveAtEachInstantOnce()
    {
        var flow = await _flows.RegisterAsync(new FlowBuilder(Unique("nightly")).Task("only", FlowStepHandler.TypeName, "v1", output: "p").Build());
        var state = await StateAsync("n-1");
        var name = Unique("nightly-schedule");

        await fixture.Surge.Client.ScheduleAsync(ScheduleSpec.ForWave(name, "* * * * * *", flow.Name, state));
        var waves = await Eventually.ValueAsync(() => Task.FromResult(FlowStepHandler.Runs.Where(r => r.Key.StartsWith($"schedule.{name}.", StringComparison.Ordinal)).ToList()),
            runs => runs.Count >= 2, "two instants' waves to run", TimeSpan.FromSeconds(30));
        await fixture.Surge.Client.UnscheduleAsync(name);

        Assert.All(waves, w => Assert.Equal(["n-1"], w.Value.Select(r => r.Entity))); // each instant's wave ran its entity once
        Assert.Equal(WaveDates.Today(DateTimeOffset.UtcNow), (await _flows.GetWaveAsync(waves[0].Key))!.Date);
    }
}
