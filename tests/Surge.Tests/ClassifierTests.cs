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

    // Oracle routing reads the duration from a simulate payload, which may not be JSON with numbers (submission lets
    // such a task through, to fail when it runs): that one item goes to the default pool, and the batch goes on.
    [Fact]
    public void Split_OneItemsPayloadCannotBeRead_ItGoesToTheDefaultPoolAndTheBatchGoesOn()
    {
        var unreadable = new TaskDispatch(new TaskSpec("bad", "simulate", "{\"duration_ms\":\"soon\"}"u8.ToArray(), ImmutableDictionary<string, FeatureValue>.Empty), 1);
        var split = Oracle().Split(new DispatchBatch([Simulated("a", 1), unreadable, Simulated("c", 2)]))
            .ToDictionary(s => s.Pool, s => s.Batch.Items.Select(w => (w.Spec.Id, w.PredictedMs)).ToArray());
        Assert.Equal([("a", 1.0), ("c", 2.0)], split[PoolKind.Short]);
        Assert.Equal([("bad", (double?)null)], split[PoolKind.Long]);
    }

    // A predictor that throws for one task (a custom IDurationPredictor, a model that cannot read its features) must
    // not fail the others of its batch: that task is routed as an unknown one is.
    [Fact]
    public void Route_PredictorThrows_TheDefaultPoolAsForAnUnknownTask()
    {
        var router = new TaskRouter(Options.Create(new RoutingOptions { DefaultPool = PoolKind.Short }), new ThrowingPredictor());
        Assert.Equal(new RouteDecision(PoolKind.Short, null), router.Route(TaskSpec.Create("t")));
    }

    private sealed class ThrowingPredictor : IDurationPredictor
    {
        public TaskPrediction Predict(string type, ReadOnlySpan<Feature> features) => throw new InvalidOperationException("no model for this");

        public void Observe(string type, ReadOnlySpan<Feature> features, double durationMs, double memoryMb) { }
    }

    [Fact]
    public void Split_EmptyBatch_Nothing() => Assert.Empty(Oracle().Split(new DispatchBatch([])));
}
