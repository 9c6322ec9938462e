using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Surge.Autoscale;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests;

public class AutoscaleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = new AutoscaleOptions().Interval;

    [Fact]
    public async Task Backlog_InRealSilos_ConcurrencyRisesWithinOneSecondAndIsExplained()
    {
        // On a fake clock: "within one second" is a second of the silos' own time, whatever the machine's load.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Workers:MaxConcurrency"] = "16" }, clock);
        GateHandler.Close();
        try
        {
            foreach (var silo in (await surge.Client.GetSilosAsync()).Select(s => s.Silo))
                await surge.Client.SetConcurrencyAsync(silo, PoolKind.Long, 1);
            // The first reports of the idle pools: one interval, and the autoscaler has heard from both silos.
            clock.Advance(Interval);
            await Eventually.TrueAsync(() => surge.Cluster.GetActiveSilos().Any(s => Readings(s).Last is (_, 2)), "both silos' first reports");

            var backlogAt = clock.GetUtcNow();
            await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => surge.Client.SubmitAsync(TaskSpec.Create(GateHandler.TypeName))));

            // A backlog wakes each silo's reporter, which reports once 100 ms have passed since its last report: the clock
            // moves 10 ms a look until the autoscaler has acted.
            var raise = await Eventually.ValueAsync(async () =>
            {
                var found = (await surge.Client.GetAutoscaleHistoryAsync(100)).FirstOrDefault(d =>
                    d is { Kind: AutoscaleKind.Concurrency, Target.Pool: PoolKind.Long } && d.To > d.From && d.At >= backlogAt);
                if (found is null) clock.Advance(TimeSpan.FromMilliseconds(10));
                return found;
            }, d => d is not null, "a raise of the long pool's concurrency");
            output.WriteLine($"concurrency raised {(raise!.At - backlogAt).TotalMilliseconds:0} ms after the backlog appeared: {raise.From} -> {raise.To} ({raise.Reason})");
            Assert.True(raise.At - backlogAt <= TimeSpan.FromSeconds(1), $"raised {(raise.At - backlogAt).TotalMilliseconds:0} ms after the backlog appeared");
            Assert.Contains("backlog", raise.Reason);
            Assert.Contains("queued", raise.Inputs);
            Assert.Contains(await surge.Client.GetPoolsAsync(), p => p.Pool == PoolKind.Long && p.Limit > 1);
        }
        finally
        {
            GateHandler.Open();
        }
    }

    private static ReplicaReadings Readings(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<ReplicaReadings>();
}
