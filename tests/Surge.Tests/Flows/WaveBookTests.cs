using Surge.Flows;

namespace Surge.Tests.Flows;

public class WaveBookTests
{
    private static readonly FlowPlan Plan = FlowPlan.Create("w", new FlowBuilder("two")
        .Task("a", "simulate", "v1", output: "pa")
        .Task("b", "simulate", "v1", output: "pb", inputs: ["pa"]).Build(), "2026-11-29");

    private static EntityProgress Progress(StepState a, StepState b)
        => new([a, b], EntityRun.IsFinal(a) && EntityRun.IsFinal(b), 0.5, EntityRun.IsFinal(a) && EntityRun.IsFinal(b) ? DateTimeOffset.UnixEpoch : null);

    [Fact]
    public void Update_StaleReportAfterANewerOne_Ignored()
    {
        var book = new WaveBook(Plan, 1);

        Assert.True(book.Update(0, Progress(StepState.Finished, StepState.Running)));
        Assert.False(book.Update(0, Progress(StepState.Running, StepState.Pending))); // sent earlier, arrived later

        Assert.Equal((0, 1, 1), (book.Counts()[0].Running, book.Counts()[0].Finished, book.Counts()[1].Running));
    }

    [Fact]
    public void Update_DoneReportedTwiceAroundAStaleOne_CountedDoneOnce()
    {
        var book = new WaveBook(Plan, 2);
        var done = Progress(StepState.Finished, StepState.Degraded);

        book.Update(0, done);
        book.Update(0, Progress(StepState.Finished, StepState.Running));
        book.Update(0, done);

        Assert.Equal((1, false), (book.Done, book.AllDone));
        Assert.Equal((1, 1), (book.Counts()[1].Degraded, book.Counts()[1].Pending)); // the entity not heard from is pending
    }

    /// <summary>Reports of random runs in a random order: the book always ends with each entity's last state, done once.</summary>
    [Fact]
    public void Update_ShuffledReports_EndsWithTheLatestOfEach()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var book = new WaveBook(Plan, 3);
            var reports = new List<(int Entity, EntityProgress Progress)>();
            for (var e = 0; e < 3; e++)
                foreach (var (a, b) in new[] { (StepState.Pending, StepState.Pending), (StepState.Running, StepState.Pending), (StepState.Finished, StepState.Pending),
                             (StepState.Finished, StepState.Running), (StepState.Finished, StepState.Failed) })
                    reports.Add((e, Progress(a, b)));
            foreach (var (entity, progress) in reports.OrderBy(_ => random.Next())) book.Update(entity, progress);

            Assert.True(book.AllDone, $"seed {seed}");
            Assert.Equal((3, 3), (book.Counts()[0].Finished, book.Counts()[1].Failed));
        }
    }
}
