using Xunit.Abstractions;

namespace Surge.Cluster.Tests;

public class AutoscaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Backlog_InRealSilos_ConcurrencyRisesWithinOneSecondAndIsExplained()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Workers:MaxConcurrency"] = "16" });
        GateHandler.Close();
        try
        {
            foreach (var silo in (await surge.Client.GetSilosAsync()).Select(s => s.Silo))
                await surge.Client.SetConcurrencyAsync(silo, PoolKind.Long, 1);
            await Task.Delay(1_500); // let the first reports of the idle pools land

            var backlogAt = DateTimeOffset.UtcNow;
            await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => surge.Client.SubmitAsync(TaskSpec.Create(GateHandler.TypeName))));

            AutoscaleDecision? raise = null;
            for (var i = 0; i < 50 && raise is null; i++)
            {
                await Task.Delay(100);
                raise = (await surge.Client.GetAutoscaleHistoryAsync(100)).FirstOrDefault(d =>
                    d is { Kind: AutoscaleKind.Concurrency, Target.Pool: PoolKind.Long } && d.To > d.From && d.At >= backlogAt);
            }
            Assert.NotNull(raise);
            output.WriteLine($"concurrency raised {(raise.At - backlogAt).TotalMilliseconds:0} ms after the backlog appeared: {raise.From} -> {raise.To} ({raise.Reason})");
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
}
