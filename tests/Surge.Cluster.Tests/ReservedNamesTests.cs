using System.Collections.Immutable;
using Surge.Flows;

namespace Surge.Cluster.Tests;

/// <summary>
/// Names clients may not use (issue 19, part 3), refused by the client and, for a caller that skips it, by the
/// shard itself: <c>schedule:</c> and <c>wave:</c> ids, <c>$</c> features, <c>kind</c> outside <c>simulate</c>.
/// </summary>
[Collection("cluster")]
public class ReservedNamesTests(ClusterFixture fixture)
{
    private readonly Surge.Client.ISurgeClient _client = fixture.Surge.Client;

    // The shard's public interface as any Orleans client can call it, without ISurgeClient's own checks.
    private ITaskShardGrain Shard(string id) => fixture.Surge.Cluster.Client.GetGrain<ITaskShardGrain>(TaskShards.For(id));

    [Theory]
    [InlineData("schedule:nightly:20260101T020000Z")]
    [InlineData("wave:w-1:build/1:fetch@1")]
    public async Task Submit_ReservedIdPrefix_RefusedByClientAndShardNothingRecorded(string id)
    {
        var spec = TaskSpec.Create(CountingHandler.TypeName, id: id);
        Assert.Equal("id", (await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(spec))).Field);
        Assert.Equal("id", (await Assert.ThrowsAsync<SurgeValidationException>(() => Shard(id).SubmitAsync(spec))).Field);
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => Shard(id).SubmitAndWaitAsync(spec, TimeSpan.FromSeconds(1)));
        Assert.Contains("reserved for the tasks Surge submits itself", e.Message);
        Assert.Null(await _client.GetStatusAsync(id));
        Assert.False(CountingHandler.Runs.ContainsKey(id));
    }

    [Fact]
    public async Task StartWave_ScheduledWaveId_RefusedByClientAndWaveGrain()
    {
        var id = $"{WaveIds.ScheduledPrefix}nightly.20260101T020000";
        var request = new WaveRequest("some-flow", "some-state", WaveId: id);
        Assert.Equal("wave", (await Assert.ThrowsAsync<SurgeValidationException>(() => fixture.Surge.Flows.StartWaveAsync(request))).Field);
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => fixture.Surge.Cluster.Client.GetGrain<IWaveGrain>(id).StartAsync(request));
        Assert.Contains("reserved for the waves schedules start", e.Message);
        Assert.Null(await fixture.Surge.Flows.GetWaveAsync(id));
    }

    [Fact]
    public async Task Submit_DollarFeature_RefusedByClientAndShard()
    {
        var spec = TaskSpec.Create(CountingHandler.TypeName, features: new Dictionary<string, FeatureValue> { ["$type"] = "notify" });
        Assert.Equal("features.$type", (await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(spec))).Field);
        Assert.Equal("features.$type", (await Assert.ThrowsAsync<SurgeValidationException>(() => Shard(spec.Id).SubmitAsync(spec))).Field);
        Assert.Null(await _client.GetStatusAsync(spec.Id));
    }

    [Fact]
    public async Task Submit_KindFeature_RefusedOutsideSimulateRunsOnIt()
    {
        var spec = TaskSpec.Create(CountingHandler.TypeName, features: new Dictionary<string, FeatureValue> { ["kind"] = "fetch" });
        Assert.Equal("features.kind", (await Assert.ThrowsAsync<SurgeValidationException>(() => Shard(spec.Id).SubmitAsync(spec))).Field);
        var simulated = await _client.RunAsync(Simulated.Task(Guid.NewGuid().ToString("N"), 1, kind: "fetch"), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, simulated.State);
    }

    [Fact]
    public async Task Submit_SimulateMemoryPastItsBound_RefusedAtSubmission()
    {
        var spec = TaskSpec.Create("simulate", """{"duration_ms":1,"memory_mb":1e300}""", new Dictionary<string, FeatureValue> { ["kind"] = "report" });
        Assert.Equal("payload.memory_mb", (await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(spec))).Field);
        Assert.Null(await _client.GetStatusAsync(spec.Id));
    }
}

/// <summary>A cluster whose silos do not ask for the simulate handler: it is not there.</summary>
public class SimulateAbsentTests
{
    [Fact]
    public async Task Submit_Simulate_RefusedUnlessEnabled()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { [SurgeCluster.SimulateKey] = "false" });
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => surge.Client.SubmitAsync(
            new TaskSpec(Guid.NewGuid().ToString("N"), "simulate", """{"duration_ms":1}"""u8.ToArray(), ImmutableDictionary<string, FeatureValue>.Empty)));
        Assert.Equal("type", e.Field);
        Assert.Contains("no handler is registered for 'simulate'", e.Message);
    }
}
