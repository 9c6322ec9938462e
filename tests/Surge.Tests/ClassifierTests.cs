using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Surge.Prediction;
using Surge.Routing;

namespace Surge.Tests;

public class ClassifierTests
{
    private static TaskDispatch Simulated(string id, double durationMs)
        => new(new TaskSpec(id, "simulate", System.Text.Encoding.UTF8.GetBytes($"{{\"duration_ms\":{durationMs}}}"), ImmutableDictionary<string, FeatureValue>.Empty), 1);

    private static Classifier Oracle() => new(new TaskRouter(Options.Create(new RoutingOptions { Mode = RoutingMode.Oracle }), new BaselinePredictor()));

    [Fact]
    public void Split_MixedBatch_OneBatchPerPoolInDispatchOrder()
    {
        var batch = new DispatchBatch([Simulated("a", 1), Simulated("b", 5_000), Simulated("c", 2), Simulated("d", 9_000)]);
        var split = Oracle().Split(batch).ToDictionary(s => s.Pool, s => s.Batch.Items.Select(w => w.Spec.Id).ToArray());
        Assert.Equal(["a", "c"], split[PoolKind.Short]);
        Assert.Equal(["b", "d"], split[PoolKind.Long]);
    }

    [Fact]
    public void Split_OnePoolOnly_OneBatchCarryingAttemptsAndPredictions()
    {
        var split = Assert.Single(Oracle().Split(new DispatchBatch([Simulated("a", 1) with { Attempt = 3 }, Simulated("b", 2)])));
        Assert.Equal(PoolKind.Short, split.Pool);
        Assert.Equal([(3, 1.0), (1, 2.0)], split.Batch.Items.Select(w => (w.Attempt, w.PredictedMs!.Value)));
    }

    [Fact]
    public void Split_EmptyBatch_Nothing() => Assert.Empty(Oracle().Split(new DispatchBatch([])));
}
