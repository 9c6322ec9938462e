using Surge.Client;

namespace Surge.Cluster.Tests.Faults;

/// <summary>What callers are told while the task store fails or hangs (a TestingHost cluster over a <see cref="FaultyTaskStore"/>).</summary>
public class StoreFaultTests : FaultyStoreTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SubmitAsync_StoreFails_UnavailableAndNothingRecorded()
    {
        var earlier = await Client.RunAsync(Simulate(10));
        var refused = Simulate(10);
        Assert.Null(await Client.GetStatusAsync(refused.Id)); // its shard is active: the failure is the write's, not the activation's

        Store.Fail();
        var error = await Assert.ThrowsAsync<SurgeUnavailableException>(() => Client.SubmitAsync(refused));
        Store.Heal();

        Assert.IsType<SurgeStoreUnavailableException>(error.InnerException);
        Assert.Null(await Client.GetStatusAsync(refused.Id));
        var now = await Client.GetStatusAsync(earlier.Id);
        Assert.Equal((TaskState.Succeeded, earlier.FinishedAt), (now?.State, now?.FinishedAt));
    }

    [Fact]
    public async Task CancelAsync_StoreFails_UnavailableAndStateUnchangedUntilHealed()
    {
        var spec = Simulate(30_000);
        await Client.SubmitAsync(spec);
        await Eventually.ValueAsync(() => Client.GetStatusAsync(spec.Id), s => s?.State == TaskState.Running, $"{spec.Id} running", Quick);

        Store.Fail();
        var error = await Record.ExceptionAsync(() => Client.CancelAsync(spec.Id));
        var during = await Client.GetStatusAsync(spec.Id);
        Store.Heal();

        // A cancel the store did not record must not be reported: the record would go back to Running after a crash.
        Assert.True(error is SurgeUnavailableException { InnerException: SurgeStoreUnavailableException },
            $"a cancel while the store fails returned instead of throwing SurgeUnavailableException (inner SurgeStoreUnavailableException): {error?.GetType().Name ?? "no exception"}; the task then read {during?.State}");
        Assert.Equal(TaskState.Running, during?.State);
        var cancelled = await Client.CancelAsync(spec.Id);
        Assert.Equal(TaskState.Cancelled, cancelled?.State);
    }

    [Fact]
    public async Task Outcome_StoreFailsAsTheRunEnds_NotFinalUntilStoredThenDeliveredToAWaitingClient()
    {
        var spec = TaskSpec.Create(IntervalHandler.TypeName);
        await Client.SubmitAsync(spec);
        await Eventually.ValueAsync(() => Client.GetStatusAsync(spec.Id), s => s?.State == TaskState.Running, $"{spec.Id} running, as stored", Quick);
        var waiting = Client.WaitAsync(spec.Id, TimeSpan.FromSeconds(90));

        Store.Fail();
        var saves = Store.Calls.GetValueOrDefault("save");
        IntervalHandler.Release(spec.Id);
        await Eventually.TrueAsync(() => Store.Calls.GetValueOrDefault("save") >= saves + 3, "its outcome offered to the failing store, and offered again", Quick);
        var during = await Client.GetStatusAsync(spec.Id); // reads answer from what is stored
        Store.Heal();

        Assert.Equal(TaskState.Running, during?.State); // not final before its outcome is stored
        var done = await waiting; // the wait kept asking through the failure
        Assert.Equal((TaskState.Succeeded, 1), (done.State, done.Attempts));
        Assert.Equal(1, IntervalHandler.RunsOf(spec.Id));
    }

    [Fact]
    public async Task CancelAsync_HeldEventWhileStoreFails_RefusedAndItStillRunsInItsTurn()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var finished = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "finished", after: "started");
        var report = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "report", after: "finished");
        Assert.Equal(TaskState.Held, (await Client.SubmitAsync(finished)).State);
        Assert.Equal(TaskState.Held, (await Client.SubmitAsync(report)).State);

        Store.Fail();
        var error = await Record.ExceptionAsync(() => Client.CancelAsync(finished.Id));
        var during = await Client.GetStatusAsync(finished.Id);
        Store.Heal();

        // Refused, so nothing may have changed: not its record, and not its place in its entity (its successor still waits for it).
        Assert.True(error is SurgeUnavailableException { InnerException: SurgeStoreUnavailableException },
            $"a cancel of a held event while the store fails returned instead of throwing SurgeUnavailableException: {error?.GetType().Name ?? "no exception"}; the event then read {during?.State}");
        Assert.Equal(TaskState.Held, during?.State);
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "started"), Quick)).State);
        var done = await Task.WhenAll(Client.WaitAsync(finished.Id, Quick), Client.WaitAsync(report.Id, Quick));
        Assert.All(done, d => Assert.Equal(TaskState.Succeeded, d.State));
        Assert.True(done[1].StartedAt >= done[0].FinishedAt, "report ran before the finished it waits for had ended");
        Assert.Equal(1, CountingHandler.Runs[finished.Id]);
    }

    [Fact]
    public async Task RetryDeadLetterAsync_StoreFails_UnavailableStillDeadLetteredThenRetryRuns()
    {
        var spec = PolicyTests.Flaky(1) with { MaxAttempts = 1 };
        var dead = await Client.RunAsync(spec, Quick);
        Assert.Equal((TaskState.Failed, true, 1), (dead.State, dead.DeadLettered, dead.Attempts));

        Store.Fail();
        var error = await Record.ExceptionAsync(() => Client.RetryDeadLetterAsync(spec.Id));
        var during = await Client.GetStatusAsync(spec.Id);
        Store.Heal();

        // A retry the store did not record must not be reported nor run: after a crash the record would be the dead letter.
        Assert.True(error is SurgeUnavailableException { InnerException: SurgeStoreUnavailableException },
            $"a dead-letter retry while the store fails returned instead of throwing SurgeUnavailableException (inner SurgeStoreUnavailableException): {error?.GetType().Name ?? "no exception"}; the task then read {during?.State}");
        Assert.Equal((TaskState.Failed, true, 1, dead.FinishedAt), (during!.State, during.DeadLettered, during.Attempts, during.FinishedAt));
        Assert.Contains(await Client.GetDeadLettersAsync(1_000), d => d.Id == spec.Id);

        var retried = await Client.RetryDeadLetterAsync(spec.Id); // the same call, now stored
        Assert.False(retried!.DeadLettered);
        var done = await Client.WaitAsync(spec.Id, Quick);
        Assert.Equal((TaskState.Succeeded, 2), (done.State, done.Attempts));
        Assert.Equal([1, 2], FlakyHandler.Starts[spec.Id]); // the refused retry never ran
    }

    [Fact]
    public async Task SubmitAsync_DuplicateWhileFirstWriteHangs_NeverAcceptedBeforeStored()
    {
        var spec = Simulate(10);
        Assert.Null(await Client.GetStatusAsync(spec.Id)); // activates its shard

        Store.Cut();
        var first = Record.ExceptionAsync(() => Client.SubmitAsync(spec));
        await Store.WaitUntilWaitingAsync(1, Quick);
        var second = await Record.ExceptionAsync(() => Client.SubmitAsync(spec).WaitAsync(TimeSpan.FromSeconds(2)));
        Store.Fail(); // the hung write times out, and the client's retries of the first call fail too
        var firstError = await first;
        Store.Heal();

        Assert.IsType<SurgeUnavailableException>(firstError);
        // Invariant: a submission that returned was stored, so the task is found and becomes final.
        if (second is null)
        {
            var status = await Client.GetStatusAsync(spec.Id);
            Assert.True(status is not null, "the second submit returned (accepted) while the first's write hung, but after that write failed no task has its id: an acknowledged task was lost");
            Assert.True((await Client.WaitAsync(spec.Id, Quick)).IsFinal);
        }
    }

    private static TaskSpec Simulate(int ms) => TaskSpec.Create("simulate", $$"""{"duration_ms":{{ms}}}""");
}
