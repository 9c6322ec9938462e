namespace Surge.Cluster.Tests;

/// <summary>A cluster with short limits, to see what expires: held events and old task records.</summary>
public sealed class ExpiryFixture : IAsyncLifetime
{
    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Entities:HoldLimit"] = "00:00:01",
        ["Surge:Tasks:Retention"] = "00:00:02",
    });

    public async Task DisposeAsync() => await Surge.DisposeAsync();
}

public class ExpiryTests(ExpiryFixture fixture) : IClassFixture<ExpiryFixture>
{
    private readonly Surge.Client.ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Submit_AfterEventThatNeverComes_FailsAtHoldLimitNamingMissingEvent()
    {
        var held = await _client.SubmitAsync(Simulated.Task("orphan-finish", 1).ForEntity("build/orphan", "build.finished", after: "build.started"));
        Assert.Equal(TaskState.Held, held.State);

        var final = await _client.WaitAsync(held.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, final.State);
        Assert.Contains("'build.started'", final.Error);
        Assert.Contains("build/orphan", final.Error);
        Assert.Null(final.StartedAt); // it never ran
        Assert.True(final.FinishedAt - final.SubmittedAt >= TimeSpan.FromSeconds(1));
        Assert.True(final.DeadLettered);
        Assert.Contains(await _client.GetDeadLettersAsync(1_000), d => d.Id == held.Id);
    }

    [Fact]
    public async Task Record_PastRetention_IsForgottenAndItsIdCanRunAgain()
    {
        var id = Guid.NewGuid().ToString("N");
        await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName, id: id));
        Assert.NotNull(await _client.GetStatusAsync(id));

        // Retention 2 s; the shard sweeps every second (a tenth of the retention, at least 1 s).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await _client.GetStatusAsync(id) is not null && DateTime.UtcNow < deadline) await Task.Delay(250);
        Assert.Null(await _client.GetStatusAsync(id));

        Assert.Equal(TaskState.Succeeded, (await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName, id: id))).State);
        Assert.Equal(2, CountingHandler.Runs[id]);
    }
}
