using Surge.Client;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A schedule whose instant's task shard is slow (failing over, or its store stalled) keeps its cadence on the other
/// shards: later instants are submitted while that one waits, and it is submitted once its shard is back. Before, the
/// schedule waited for it, and the instants due meanwhile collapsed into one.
/// </summary>
public class ScheduleCadenceTests : FaultyStoreTests
{
    [Fact]
    public async Task Schedule_OneInstantsShardStalled_LaterInstantsSubmittedMeanwhile()
    {
        var spec = ScheduleSpec.Create("cadence", "* * * * * *", "simulate", """{"duration_ms":1}""");
        // The instant 3 s from now (whole seconds, as the cron fires): its task shard's saves wait.
        var now = DateTimeOffset.UtcNow;
        var stalled = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(3);
        var stalledId = spec.TaskFor(stalled).Id;
        var shard = TaskShards.For(stalledId);
        Store.StallShard(shard);

        await Client.ScheduleAsync(spec);
        await Store.WaitUntilWaitingAsync(1, TimeSpan.FromSeconds(30));

        await Eventually.ValueAsync(() => SubmittedAfterAsync(spec, stalled, shard), submitted => submitted >= 3,
            "three later instants submitted while the stalled one waits", TimeSpan.FromSeconds(30));
        Store.Heal();
        await Eventually.TrueAsync(async () => await Client.GetStatusAsync(stalledId) is not null,
            "the stalled instant submitted once its shard is back", TimeSpan.FromSeconds(30));
    }

    // Instants after `after` up to now whose tasks are on other shards than the stalled one, and recorded.
    private async Task<int> SubmittedAfterAsync(ScheduleSpec spec, DateTimeOffset after, int stalledShard)
    {
        var submitted = 0;
        for (var instant = after.AddSeconds(1); instant <= DateTimeOffset.UtcNow; instant = instant.AddSeconds(1))
        {
            var id = spec.TaskFor(instant).Id;
            if (TaskShards.For(id) != stalledShard && await Client.GetStatusAsync(id) is not null) submitted++;
        }
        return submitted;
    }
}
