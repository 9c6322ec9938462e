using Surge.Client;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A caller's request whose write the store ran but whose answer was lost (Redis stalled past its command timeout, then
/// ran the write when it woke): the caller heard "nothing changed, retry", so the shard's next activation must not load
/// the change either. Submissions are <see cref="ShardClaimTests"/>'.
/// </summary>
public class AnswerLostTests : FaultyStoreTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    // Before, the next activation loaded the Cancelled record: the task was cancelled though its caller heard it was not.
    [Fact]
    public async Task CancelAsync_CancelStoredButItsAnswerLost_StillRunningWhenTheShardLoadsAgain()
    {
        var spec = TaskSpec.Create(PatientHandler.TypeName);
        await Client.SubmitAsync(spec);
        await Eventually.TrueAsync(async () => (await Client.GetStatusAsync(spec.Id))?.State == TaskState.Running, $"{spec.Id} running, as stored", Limit);
        var shard = TaskShards.For(spec.Id);
        Store.LoseNextSaveAnswer(shard);
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Grains.Shard(spec.Id).CancelAsync(spec.Id)); // no retry

        await Store.ClaimAsOtherAsync(shard); // the activation steps down at its next write; the next one loads the store
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""", id: SameShard(shard, spec.Id)))).State);
        Assert.Equal(TaskState.Running, (await Client.GetStatusAsync(spec.Id))?.State);

        Assert.Equal(TaskState.Cancelled, (await Client.CancelAsync(spec.Id))?.State); // a cancel that is stored stops it
        await Eventually.TrueAsync(() => PatientHandler.Cancelled.ContainsKey(spec.Id), $"{spec.Id}'s token cancelled", Limit);
    }
}
