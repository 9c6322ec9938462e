using Surge.Autoscale;
using Surge.Cli.Simulation;

namespace Surge.Tests;

public class GroupSimulatorTests
{
    private static SimulatedPolicy Surge(SimulatedGroup group, SimulationOptions options, TimeProvider clock)
        => new SurgePolicy(new AutoscaleOptions { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas, PodStartDelay = options.PodStartDelay }, clock);

    // Short (10 ms) tasks at 200/s and long (2 s) ones at 2/s for a minute.
    private static List<SimulatedTask> Mixed()
    {
        var tasks = Enumerable.Range(0, 12_000).Select(i => new SimulatedTask(i * 5.0, 10))
            .Concat(Enumerable.Range(0, 120).Select(i => new SimulatedTask(i * 500.0 + 1, 2_000)));
        return [.. tasks.OrderBy(t => t.AtMs)];
    }

    [Fact]
    public void Run_TwoGroups_EachTaskInItsPoolsGroup_EveryGroupPaidUntilTheLastTaskFinished()
    {
        var groups = GroupSummary.Parse("short:8,long:8:60", "short=0.3,long=1.0", TimeSpan.FromSeconds(45));
        var result = GroupSimulator.Run(Mixed(), groups, new SimulationOptions(), Surge);

        var (shortGroup, longGroup) = (result.Groups[0], result.Groups[1]);
        Assert.Equal((12_000, 120), (shortGroup.Tasks, longGroup.Tasks));
        Assert.Equal((TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(60)), (shortGroup.Group.PodStartDelay, longGroup.Group.PodStartDelay));
        var endS = result.Groups.Max(g => g.Result.EndMs) / 1000;
        Assert.All(result.Groups, g => Assert.True(g.PodSeconds >= endS - 0.1, $"{g.Group.Name} paid {g.PodSeconds} pod-s of a {endS} s run"));
        Assert.Equal(Math.Round(shortGroup.PodSeconds * 0.3, 1), shortGroup.Cost);
        Assert.Equal(Math.Round(shortGroup.Cost + longGroup.Cost, 1), result.Cost);
        Assert.Equal(0, result.LostTasks);
    }

    [Fact]
    public void Run_TwoGroups_BusySlotSecondsAreTheWorkRun_FloorIsTheMinimumAlwaysOn()
    {
        // Where the pod-seconds go: the work each group ran (120 slot-s of short, 240 of long), and the part of its
        // pod-seconds its fewest pods (here 2, always on) account for over the whole run.
        var groups = GroupSummary.Parse("short:8,long:8", "short=0.3,long=1.0", TimeSpan.FromSeconds(45));
        var result = GroupSimulator.Run(Mixed(), groups, new SimulationOptions { MinReplicas = 2 }, Surge);

        var endS = result.Groups.Max(g => g.Result.EndMs) / 1000;
        Assert.InRange(result.Groups[0].Result.BusySlotSeconds, 120 * 0.97, 120 * 1.1);
        Assert.InRange(result.Groups[1].Result.BusySlotSeconds, 240 * 0.99, 240 * 1.02);
        Assert.All(result.Groups, g => Assert.Equal(Math.Round(2 * endS, 1), g.FloorPodSeconds, 1));
        Assert.All(result.Groups, g => Assert.True(g.PodSeconds >= g.FloorPodSeconds - 0.1, $"{g.Group.Name}: {g.PodSeconds} pod-s under its floor {g.FloorPodSeconds}"));
    }

    [Fact]
    public void Run_SpotReclaims_ReQueueWhatOutlastsTheNotice_LoseNothing()
    {
        // 12 s tasks arriving from t = 15 s on the spot group, a reclaim every 20 s with 5 s of notice: the first pod's
        // are cut short at 25 s and put back; its replacement (ready at 30 s) runs them to the end before the next kill.
        var tasks = Enumerable.Range(0, 40).Select(i => new SimulatedTask(15_000 + i * 100.0, i % 2 == 0 ? 12 : 12_000)).ToList();
        var groups = new[] { new SimulatedGroup("short", 8, TimeSpan.FromSeconds(10), 0.3, Spot: true) };
        var options = new SimulationOptions { SpotReclaimEvery = TimeSpan.FromSeconds(20), ReclaimNotice = TimeSpan.FromSeconds(5) };
        var result = GroupSimulator.Run(tasks, groups, options, Surge);

        Assert.True(result.Reclaims >= 1, $"{result.Reclaims} reclaims");
        Assert.True(result.Requeued >= 1, $"{result.Requeued} re-queued");
        Assert.Equal(0, result.LostTasks);
        Assert.Equal(tasks.Count, result.Completed);
    }

    [Fact]
    public void Run_NoReclaims_SameAsTheOneGroupRun()
    {
        // One group hosting everything is the one-group simulation.
        var tasks = Mixed();
        var grouped = GroupSimulator.Run(tasks, [new SimulatedGroup("long", 8, TimeSpan.FromSeconds(45), 1, Spot: false)], new SimulationOptions(), Surge);
        var single = AutoscaleSimulator.Run(tasks, new SimulationOptions(), clock => Surge(null!, new SimulationOptions(), clock));
        Assert.Equal((single.P95WaitMs, single.PodSeconds), (grouped.P95WaitMs, grouped.PodSeconds));
    }

    [Theory]
    [InlineData("medium:8", null, "--groups has 'medium:8'")]
    [InlineData("short:0", null, "--groups has 'short:0'")]
    [InlineData("short:8,short:4", null, "names short twice")]
    [InlineData("short:8", "long=1", "--price names long")]
    [InlineData("short:8", "short=cheap", "--price has 'short=cheap'")]
    public void Parse_BadSpec_NamesIt(string groups, string? prices, string message)
        => Assert.Contains(message, Assert.Throws<FormatException>(() => GroupSummary.Parse(groups, prices, TimeSpan.FromSeconds(45))).Message);
}
