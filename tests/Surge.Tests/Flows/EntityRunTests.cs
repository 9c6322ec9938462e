using System.Collections.Immutable;
using Surge.Flows;

namespace Surge.Tests.Flows;

public class EntityRunTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    // load -> (left, right) -> join; right waits at most 10 s for raw, join 60 s for l and r.
    private static FlowPlan Diamond(IReadOnlyDictionary<string, ImmutableArray<string>>? versions = null) => FlowPlan.Create("w", new FlowBuilder("diamond")
        .Task("load", "simulate", "v1", output: "raw")
        .Task("left", "simulate", "v1", output: "l", inputs: ["raw"])
        .Task("right", "simulate", "v1", output: "r", inputs: ["raw"], dependencyTimeout: TimeSpan.FromSeconds(10))
        .Task("join", "simulate", "v1", output: "joined", inputs: ["l", "r"], dependencyTimeout: TimeSpan.FromSeconds(60))
        .Build(), "2026-11-29", versions);

    private static string[] Names(IEnumerable<StepStart> starts) => [.. starts.Select(s => s.Step.Task.Name)];

    [Fact]
    public void Ready_Diamond_RunsInGraphOrder()
    {
        var run = new EntityRun(Diamond(), T0);

        Assert.Equal(["load"], Names(run.Ready(T0)));
        Start(run, T0, "load");
        Assert.Empty(run.Ready(T0));
        run.Ended(0, true, T0.AddSeconds(1));
        Assert.Equal(["left", "right"], Names(run.Ready(T0.AddSeconds(1))));
        Start(run, T0.AddSeconds(1), "left", "right");
        run.Ended(1, true, T0.AddSeconds(2));
        Assert.Empty(run.Ready(T0.AddSeconds(2))); // join waits for r too
        run.Ended(2, true, T0.AddSeconds(3));
        var join = Assert.Single(run.Ready(T0.AddSeconds(3)));
        Assert.False(join.Degraded);
        Assert.Equal(["l", "r"], join.Present.Select(p => p.Pipe).ToArray());
        Start(run, T0.AddSeconds(3), "join");
        run.Ended(3, true, T0.AddSeconds(4));
        Assert.True(run.IsDone);
        Assert.All(run.Records, r => Assert.Equal(StepState.Finished, r.State));
    }

    [Fact]
    public void Ready_DependencyTimeoutPasses_StartsDegradedWithWhatExists()
    {
        var run = new EntityRun(Diamond(), T0);
        Start(run, T0, "load");
        Assert.Equal(T0.AddSeconds(10), run.NextDeadline());

        var right = Assert.Single(run.Ready(T0.AddSeconds(10)));

        Assert.Equal(("right", true), (right.Step.Task.Name, right.Degraded));
        Assert.Equal(["raw"], right.Missing.ToArray());
        Assert.Empty(right.Present);
        run.Started(right, T0.AddSeconds(10));
        run.Ended(right.Step.Index, true, T0.AddSeconds(11));
        Assert.Equal(StepState.Degraded, run.Records[right.Step.Index].State);
    }

    [Fact]
    public void Ready_ProducerFailed_StartsDegradedAtOnceWithoutWaitingForTheTimeout()
    {
        var run = new EntityRun(Diamond(), T0);
        Start(run, T0, "load");
        run.Ended(0, false, T0.AddSeconds(1), "boom");

        var ready = run.Ready(T0.AddSeconds(1));

        Assert.Equal(["left", "right"], Names(ready));
        Assert.All(ready, r => Assert.True(r.Degraded));
        Assert.Equal("boom", run.Records[0].Error);
    }

    [Fact]
    public void Create_TwoVersions_EachWritesItsOwnPipeAndReadersReadTheFirst()
    {
        var plan = Diamond(new Dictionary<string, ImmutableArray<string>> { ["left"] = ["v1", "v2"] });

        Assert.Equal(["load@v1", "left@v1", "left@v2", "right@v1", "join@v1"], plan.Steps.Select(s => $"{s.Task.Name}@{s.Version}"));
        Assert.Equal(["v1/l e1 2026-11-29", "v2/l e1 2026-11-29"], plan.Steps.Where(s => s.Task.Name == "left").Select(s => plan.OutputKey(s, "e1")));
        Assert.Equal(1, plan.Steps.Single(s => s.Task.Name == "join").Inputs.Single(i => i.Pipe == "l").Producer);
    }

    [Fact]
    public void Create_UnknownTaskOrBadVersion_RefusedNamingIt()
    {
        Assert.Contains("no task 'score'", Assert.Throws<SurgeValidationException>(() => Diamond(new Dictionary<string, ImmutableArray<string>> { ["score"] = ["v2"] })).Message);
        Assert.Contains("\"next\"", Assert.Throws<SurgeValidationException>(() => Diamond(new Dictionary<string, ImmutableArray<string>> { ["left"] = ["next"] })).Message);
    }

    [Fact]
    public void Progress_Rank_GrowsWithEveryStepChange()
    {
        var run = new EntityRun(Diamond(), T0);
        var ranks = new List<int> { run.Progress().Rank };
        Start(run, T0, "load");
        ranks.Add(run.Progress().Rank);
        run.Ended(0, true, T0);
        ranks.Add(run.Progress().Rank);
        Start(run, T0, "left", "right");
        ranks.Add(run.Progress().Rank);

        Assert.Equal([0, 1, 2, 4], ranks);
    }

    /// <summary>
    /// Random flows and random interleavings of starts, ends, failures and clock moves: a step never starts twice, never
    /// before its producers wrote unless degraded (every producer final, or its timeout passed), a normal start has all
    /// its inputs, and every run ends once every started step has ended.
    /// </summary>
    [Fact]
    public void RandomRuns_HoldTheRules()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var plan = FlowPlan.Create("w", RandomFlow(random), "2026-11-29");
            var run = new EntityRun(plan, T0);
            var now = T0;
            var running = new List<int>();
            var starts = new int[plan.Steps.Length];
            for (var op = 0; op < 400 && !run.IsDone; op++)
            {
                foreach (var start in run.Ready(now))
                {
                    var step = start.Step;
                    var wrote = step.Inputs.Where(i => run.Records[i.Producer].State is StepState.Finished or StepState.Degraded).ToList();
                    if (!start.Degraded) Assert.Equal(step.Inputs.Length, wrote.Count);
                    else Assert.True(now >= T0 + step.Task.DependencyTimeout || step.Inputs.All(i => EntityRun.IsFinal(run.Records[i.Producer].State)),
                        $"seed {seed}: {step.Task.Name} started degraded early");
                    Assert.Equal(step.Inputs.Length, start.Present.Length + start.Missing.Length);
                    run.Started(start, now);
                    starts[step.Index]++;
                    running.Add(step.Index);
                }
                switch (random.Next(3))
                {
                    case 0 when running.Count > 0:
                        var i = running[random.Next(running.Count)];
                        running.Remove(i);
                        Assert.True(run.Ended(i, random.NextDouble() > 0.2, now, "failed", random.NextDouble()));
                        Assert.False(run.Ended(i, true, now)); // a second report changes nothing
                        break;
                    default:
                        now = now.AddSeconds(random.Next(0, 20));
                        break;
                }
            }
            while (running.Count > 0 || !run.IsDone)
            {
                foreach (var start in run.Ready(now))
                {
                    run.Started(start, now);
                    starts[start.Step.Index]++;
                    running.Add(start.Step.Index);
                }
                if (running.Count > 0)
                {
                    run.Ended(running[0], true, now);
                    running.RemoveAt(0);
                }
                else now = run.NextDeadline() ?? now;
            }
            Assert.All(starts, n => Assert.Equal(1, n));
            Assert.Equal(2 * plan.Steps.Length, run.Progress().Rank);
            Assert.True(run.CriticalPathSeconds() >= 0);
        }
    }

    private static FlowDefinition RandomFlow(Random random)
    {
        var builder = new FlowBuilder("random");
        var n = random.Next(1, 8);
        for (var t = 0; t < n; t++)
        {
            var inputs = Enumerable.Range(0, t).Where(_ => random.NextDouble() < 0.4).Select(i => $"p{i}").ToArray();
            builder.Task($"t{t}", "simulate", "v1", output: $"p{t}", inputs: inputs, dependencyTimeout: TimeSpan.FromSeconds(random.Next(1, 120)));
        }
        return builder.Build();
    }

    private static void Start(EntityRun run, DateTimeOffset now, params string[] names)
    {
        foreach (var start in run.Ready(now).Where(s => names.Contains(s.Step.Task.Name))) run.Started(start, now);
    }
}
