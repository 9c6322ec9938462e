using Surge.Policies;
using Microsoft.Extensions.Options;
using Surge.Entities;
using Surge.Routing;
using Surge.Workers;

namespace Surge.Tests;

public class OptionsValidatorTests
{
    [Fact]
    public void WorkerOptions_EveryBadValue_ReportedTogether()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { MaxConcurrency = 0, DefaultTimeout = TimeSpan.Zero, MaxPayloadBytes = 0 });
        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Surge:Workers:MaxConcurrency") && f.Contains("set 1 to 10000"));
    }

    [Fact]
    public void PoolsOptions_BoundsAboveMaxConcurrency_NameKeyAndFix()
    {
        var validator = new PoolsOptionsValidator(Options.Create(new WorkerOptions { MaxConcurrency = 8 }));
        var result = validator.Validate(null, new PoolsOptions { Short = new PoolOptions { Max = 9 }, Long = new PoolOptions { Min = 0 } });
        Assert.Contains(result.Failures!, f => f.Contains("Surge:Pools:Short:Max is 9"));
        Assert.Contains(result.Failures!, f => f.Contains("Surge:Pools:Long:Min is 0"));
    }

    [Fact]
    public void TaskPolicies_EveryBadValue_ReportedWithItsTypeAndFix()
    {
        var bad = new TaskPolicy { MaxAttempts = 0, BackoffBase = TimeSpan.FromMinutes(10), BackoffMax = TimeSpan.FromMinutes(1), Jitter = 2, SoftTimeLimit = TimeSpan.Zero, HardLimitGrace = TimeSpan.FromHours(2), NonRetryableErrors = [" "] };
        var result = new TaskPoliciesOptionsValidator().Validate(null, new TaskPoliciesOptions { Types = { ["fetch"] = bad } });
        Assert.Equal(6, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Surge:Policies:Types:fetch:", f));
        Assert.Contains(result.Failures!, f => f.Contains("MaxAttempts is 0; set 1 (no retry) to 100"));
        Assert.True(new TaskPoliciesOptionsValidator().Validate(null, new TaskPoliciesOptions()).Succeeded);
    }

    [Fact]
    public void PoolsOptions_Defaults_Pass()
        => Assert.True(new PoolsOptionsValidator(Options.Create(new WorkerOptions())).Validate(null, new PoolsOptions()).Succeeded);

    [Fact]
    public void RoutingOptions_BadThresholdAndPool_Reported()
    {
        var result = new RoutingOptionsValidator().Validate(null, new RoutingOptions { ShortThresholdMs = 0, DefaultPool = "medium", TypePools = { ["x"] = "huge" } });
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("TypePools:x"));
    }

    [Fact]
    public void EntityOptions_ZeroHoldLimit_Fails()
        => Assert.Contains("HoldLimit", new EntityOptionsValidator().Validate(null, new EntityOptions { HoldLimit = TimeSpan.Zero }).FailureMessage);
}
