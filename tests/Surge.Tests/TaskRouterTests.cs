using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Surge.Prediction;
using Surge.Routing;

namespace Surge.Tests;

public class TaskRouterTests
{
    private static TaskSpec Simulated(string kind, double durationMs)
        => new("t", "simulate", System.Text.Encoding.UTF8.GetBytes($"{{\"duration_ms\":{durationMs}}}"),
            ImmutableDictionary<string, FeatureValue>.Empty.Add("kind", kind));

    private static TaskRouter Router(RoutingMode mode, IDurationPredictor? predictor = null, Dictionary<string, PoolKind>? table = null)
        => new(Options.Create(new RoutingOptions { Mode = mode, TypePools = table ?? [] }), predictor ?? new BaselinePredictor());

    [Fact]
    public void Route_Single_SendsEverythingToSinglePool()
        => Assert.Equal(PoolKind.Single, Router(RoutingMode.Single).Route(Simulated("report", 1)).Pool);

    [Fact]
    public void Route_Type_UsesTableByKindThenDefault()
    {
        var router = Router(RoutingMode.Type, table: new() { ["report"] = PoolKind.Short });
        Assert.Equal(PoolKind.Short, router.Route(Simulated("report", 9_000)).Pool);
        Assert.Equal(PoolKind.Long, router.Route(Simulated("unlisted", 1)).Pool);
    }

    [Theory]
    [InlineData(49.9, PoolKind.Short)]
    [InlineData(50, PoolKind.Long)]
    public void Route_Oracle_UsesTrueDurationAgainstThreshold(double durationMs, PoolKind pool)
        => Assert.Equal(pool, Router(RoutingMode.Oracle).Route(Simulated("any", durationMs)).Pool);

    [Fact]
    public void Route_PredictedUnknownType_PlaysSafeWithLongPool()
    {
        var decision = Router(RoutingMode.Predicted).Route(Simulated("new-kind", 1));
        Assert.Equal(PoolKind.Long, decision.Pool);
        Assert.Null(decision.PredictedMs);
    }

    [Fact]
    public void Route_PredictedAfterHistory_RoutesByLearnedDuration()
    {
        var predictor = new BaselinePredictor();
        for (var i = 0; i < BaselinePredictor.MinObservations; i++)
        {
            TaskRouter.Observe(predictor, Simulated("quick", 0), 5, 1);
            TaskRouter.Observe(predictor, Simulated("slow", 0), 500, 1);
        }
        var router = Router(RoutingMode.Predicted, predictor);
        Assert.Equal(PoolKind.Short, router.Route(Simulated("quick", 9_999)).Pool); // the payload is never read
        var slow = router.Route(Simulated("slow", 1));
        Assert.Equal(PoolKind.Long, slow.Pool);
        Assert.Equal(500, slow.PredictedMs!.Value, 3);
    }

    [Fact]
    public void RoutingKey_NonSimulateType_IsTheType()
        => Assert.Equal("resize", TaskRouter.RoutingKey(TaskSpec.Create("resize", features: new Dictionary<string, FeatureValue> { ["kind"] = "x" })));
}
