using Surge.Client;

namespace Surge.Cluster.Tests;

/// <summary>
/// Cancelling a task while it waits out a retry backoff, on the fake clock ("flaky": 3 attempts, backoff 200 ms
/// doubling, no jitter): the wait is a timer of its shard, and a cancel must disarm it.
/// </summary>
[Collection("fake clock")]
public class CancelRetryingTests(FakeClockFixture fixture)
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Cancel_RetryingTask_NeverStartsAgainPastItsBackoff()
    {
        var cancelled = PolicyTests.Flaky(1);
        // A witness on the same shard, retried on the same clock: once its attempt 2 has run, the shard's due retries have.
        var witness = PolicyTests.Flaky(1) with { Id = SameShardAs(cancelled.Id) };
        await _client.SubmitAsync(cancelled);
        await _client.SubmitAsync(witness);
        foreach (var spec in new[] { cancelled, witness })
            await Eventually.ValueAsync(() => _client.GetStatusAsync(spec.Id), s => s is { State: TaskState.Retrying, Attempts: 1 }, $"{spec.Id} retrying after attempt 1");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _client.CancelAsync(cancelled.Id))); // and again, at once: harmless
        Assert.All(answers, a => Assert.Equal(TaskState.Cancelled, a!.State));
        Assert.Single(answers.Select(a => a!.FinishedAt).Distinct());

        fixture.Clock.Advance(FakeClockFixture.BackoffBase * 4); // past attempt 2's backoff, and attempt 3's
        Assert.Equal(TaskState.Succeeded, (await _client.WaitAsync(witness.Id, TimeSpan.FromSeconds(30))).State);
        var status = await _client.GetStatusAsync(cancelled.Id);
        Assert.Equal((TaskState.Cancelled, 1, answers[0]!.FinishedAt), (status!.State, status.Attempts, status.FinishedAt));
        Assert.Equal([1], FlakyHandler.Starts[cancelled.Id]);
    }

    private static string SameShardAs(string id)
    {
        var shard = TaskShards.For(id);
        while (true)
        {
            var candidate = $"witness-{Guid.NewGuid():N}";
            if (TaskShards.For(candidate) == shard) return candidate;
        }
    }
}
