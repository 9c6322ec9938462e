using Surge.Caps;
using Surge.Policies;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// With security off (embedded defaults) every client is admin, yet internal interfaces stay refused: no client has
/// business there. The test cluster's client sees Surge.Grains' internal types, as a forged client would declare them.
/// </summary>
[Collection("cluster")]
public sealed class InternalInterfaceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task InternalInterfaces_FromClientWithSecurityOff_Refused()
    {
        var grains = fixture.Surge.Cluster.Client;
        var calls = new Func<Task>[]
        {
            () => grains.GetGrain<ITaskShardLifecycle>(0).OnExpiredAsync("some-task", "forged"),
            () => grains.GetGrain<IResultCacheGrain>("forged").SetAsync(new byte[] { 1 }, TimeSpan.FromHours(1)),
            () => grains.GetGrain<ICapGrain>("forged").SyncAsync(new CapRequest("silo", 0, 0, 1000, 1000)),
            () => grains.GetGrain<IScheduleIndexGrain>(0).AddAsync("forged"),
            () => grains.GetGrain<Surge.Schedules.IScheduleSweep>(0).WakeAllAsync(TimeSpan.Zero), // a sweep at will
            () => grains.GetGrain<Surge.Schedules.IScheduleSweep>(0).WakeAfterDeathAsync(long.MaxValue),
            () => grains.GetGrain<Surge.Flows.IWaveSweep>(0).WakeOpenAsync(long.MaxValue),
            () => grains.GetGrain<Surge.Flows.IWaveSweep>(0).ClosedAsync("forged"), // a running wave off the list
        };
        foreach (var call in calls)
        {
            var refused = await Assert.ThrowsAsync<SurgeAccessDeniedException>(call);
            Assert.Null(refused.Needed);
            Assert.Contains("internal to the silos", refused.Message);
        }
    }

    [Fact]
    public async Task Run_WithSecurityOff_AllowedAndNoSubmitterRecorded()
    {
        var status = await fixture.Surge.Client.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}") with { Submitter = "CN=forged" }, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, status.State);
        Assert.Null(status.Submitter);
    }
}
