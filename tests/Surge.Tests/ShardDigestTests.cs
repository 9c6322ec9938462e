using Surge.Hosting;
using Surge.Tasks;

namespace Surge.Tests;

public class ShardDigestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TaskRecord Held(string id, int second) => new()
    {
        Spec = TaskSpec.Create("t", id: id).ForEntity("build/1", "build.finished", after: "build.started"),
        State = TaskState.Held,
        SubmittedAt = T0.AddSeconds(second),
    };

    private static TaskRecord Dead(string id, int second) => new()
    {
        Spec = TaskSpec.Create("t", id: id),
        State = TaskState.Failed,
        SubmittedAt = T0,
        FinishedAt = T0.AddSeconds(second),
        Attempts = 3,
        Error = "boom",
        DeadLettered = true,
    };

    [Fact]
    public void Track_HeldThenReleased_CountAndListFollow()
    {
        var digest = new ShardDigest(7);
        var held = Held("a", 1);
        Assert.True(digest.Track(null, held));
        Assert.True(digest.Track(null, Held("b", 2)));
        Assert.Equal((2, "a"), (digest.Summarize(20).HeldCount, digest.Summarize(20).Held[0].Id));

        Assert.True(digest.Track(held, held with { State = TaskState.Queued })); // released
        var summary = digest.Summarize(20);
        Assert.Equal(7, summary.Shard);
        Assert.Equal(1, summary.HeldCount);
        Assert.Equal("b", Assert.Single(summary.Held).Id);
        Assert.Equal(("build/1", "build.finished"), (summary.Held[0].Entity, summary.Held[0].Event));
    }

    [Fact]
    public void Track_ChangeOfNeitherHeldNorDead_ReportsNoChange()
    {
        var digest = new ShardDigest(0);
        var queued = new TaskRecord { Spec = TaskSpec.Create("t", id: "q"), State = TaskState.Queued, SubmittedAt = T0 };
        Assert.False(digest.Track(null, queued));
        Assert.False(digest.Track(queued, queued with { State = TaskState.Running }));
        Assert.Equal(0, digest.Summarize(20).HeldCount + digest.Summarize(20).DeadLetterCount);
    }

    [Fact]
    public void Summarize_MoreThanTheDepth_CountsAllListsTheLatestDeadLettersAndOldestHeld()
    {
        var digest = new ShardDigest(0);
        for (var i = 0; i < 30; i++)
        {
            digest.Track(null, Dead($"d{i:00}", i));
            digest.Track(null, Held($"h{i:00}", 100 - i));
        }
        var summary = digest.Summarize(20);
        Assert.Equal((30, 30), (summary.DeadLetterCount, summary.HeldCount));
        Assert.Equal(Enumerable.Range(10, 20).Reverse().Select(i => $"d{i:00}"), summary.DeadLetters.Select(d => d.Id));
        Assert.Equal(Enumerable.Range(10, 20).Reverse().Select(i => $"h{i:00}"), summary.Held.Select(h => h.Id));
        Assert.Equal(Enumerable.Range(0, 30).Reverse().Select(i => $"d{i:00}"), digest.DeadLetters.Select(r => r.Id));
    }

    [Fact]
    public void Track_DeadLetterPurged_LeavesTheList()
    {
        var digest = new ShardDigest(0);
        var dead = Dead("d", 5);
        digest.Track(null, dead);
        Assert.True(digest.Track(dead, null));
        Assert.Empty(digest.Summarize(20).DeadLetters);
    }

    [Fact]
    public void SiloTaskDigest_Read_MergesShardsAndKeepsTheDepth()
    {
        var silo = new SiloTaskDigest();
        var a = new ShardDigest(1);
        var b = new ShardDigest(2);
        for (var i = 0; i < 15; i++)
        {
            a.Track(null, Dead($"a{i:00}", i * 2));
            b.Track(null, Dead($"b{i:00}", i * 2 + 1));
        }
        silo.Publish(a);
        silo.Publish(b);

        var read = silo.Read(20);
        Assert.Equal((30, 2), (read.DeadLetterCount, read.Shards));
        Assert.Equal(20, read.DeadLetters.Length);
        Assert.Equal("b14", read.DeadLetters[0].Id); // finished at 29 s, the latest
        Assert.True(read.DeadLetters.Zip(read.DeadLetters.Skip(1)).All(p => p.First.FinishedAt >= p.Second.FinishedAt));
    }

    [Fact]
    public void SiloTaskDigest_WithdrawAnOlderDigest_KeepsTheNewerActivations()
    {
        var silo = new SiloTaskDigest();
        var old = new ShardDigest(3);
        var newer = new ShardDigest(3);
        newer.Track(null, Held("h", 1));
        silo.Publish(old);
        silo.Publish(newer);

        silo.Withdraw(old);
        Assert.Equal(1, silo.Read(20).HeldCount);
        silo.Withdraw(newer);
        Assert.Equal(0, silo.Read(20).Shards);
    }

    // A shard publishes its digest once; what it tracks later is what the next read shows, with no summary per change.
    [Fact]
    public void SiloTaskDigest_ChangesAfterPublish_SeenByTheNextRead()
    {
        var silo = new SiloTaskDigest();
        var digest = new ShardDigest(4);
        silo.Publish(digest);
        var held = Held("h", 1);
        digest.Track(null, held);
        Assert.Equal("h", Assert.Single(silo.Read(20).Held).Id);

        digest.Track(held, held with { State = TaskState.Queued }); // released
        Assert.Equal((0, 1), (silo.Read(20).HeldCount, silo.Read(20).Shards));
    }

    [Fact]
    public void Summarize_NoChangeSinceTheLastRead_SameSummaryUntilAChange()
    {
        var digest = new ShardDigest(5);
        digest.Track(null, Held("a", 1));
        var first = digest.Summarize(20);
        Assert.Same(first, digest.Summarize(20));

        digest.Track(null, Held("b", 2));
        Assert.Equal(2, digest.Summarize(20).HeldCount);
        Assert.Single(digest.Summarize(1).Held); // another depth is summarized again
    }

    [Fact]
    public void ClusterStatus_ShardSeenOnTwoSilosWhileMoving_ListsItsEventsOnce()
    {
        var info = new SiloInfo("s", RoutingMode.Predicted, 8, []);
        var dead = new DeadLetterSummary("d", "t", 1, T0, "boom");
        var held = new HeldEventSummary("h", "e", "ev", T0);
        SiloSummary Silo(string name) => new(info with { Silo = name }, [], 1, [held], 1, [dead], 1);

        var status = ClusterStatus.Of([Silo("a"), Silo("b")], [], [], T0.AddSeconds(3));
        Assert.Equal("d", Assert.Single(status.DeadLetters).Id);
        Assert.Equal(3, Assert.Single(status.Held).HeldS);
        Assert.Equal(2, status.Silos.Length);
    }
}
