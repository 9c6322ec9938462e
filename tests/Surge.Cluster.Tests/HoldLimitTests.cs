namespace Surge.Cluster.Tests;

public class HoldLimitTests
{
    [Fact]
    public async Task Submit_AfterEventThatNeverComes_FailsAtHoldLimitNamingMissingEvent()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Entities:HoldLimit"] = "00:00:01" });
        var held = await surge.Client.SubmitAsync(Simulated.Task("orphan-finish", 1).ForEntity("build/orphan", "build.finished", after: "build.started"));
        Assert.Equal(TaskState.Held, held.State);

        var final = await surge.Client.WaitAsync(held.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, final.State);
        Assert.Contains("'build.started'", final.Error);
        Assert.Contains("build/orphan", final.Error);
        Assert.Null(final.StartedAt); // it never ran
        Assert.True(final.FinishedAt - final.SubmittedAt >= TimeSpan.FromSeconds(1));
    }
}
