using Surge.Policies;
using Microsoft.Extensions.Options;
using Surge.Entities;
using Surge.Routing;
using Surge.Tasks;
using Surge.Workers;

namespace Surge.Tests;

public class OptionsValidatorTests
{
    private static IOptions<TaskOptions> Tasks(TimeSpan? maxTimeout = null) => Options.Create(new TaskOptions { MaxTimeout = maxTimeout ?? TaskOptions.DefaultMaxTimeout });

    private static TaskPoliciesOptionsValidator PoliciesValidator(TimeSpan? maxTimeout = null, TimeSpan? defaultTimeout = null)
        => new(Tasks(maxTimeout), Options.Create(new WorkerOptions { DefaultTimeout = defaultTimeout ?? WorkerOptions.DefaultTimeoutValue }));

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
        var result = PoliciesValidator().Validate(null, new TaskPoliciesOptions { Types = { ["fetch"] = bad } });
        Assert.Equal(6, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Surge:Policies:Types:fetch:", f));
        Assert.Contains(result.Failures!, f => f.Contains("MaxAttempts is 0; set 1 (no retry) to 100"));
        Assert.True(PoliciesValidator().Validate(null, new TaskPoliciesOptions()).Succeeded);
    }

    [Fact]
    public void PoolsOptions_Defaults_Pass()
        => Assert.True(new PoolsOptionsValidator(Options.Create(new WorkerOptions())).Validate(null, new PoolsOptions()).Succeeded);

    [Fact]
    public void RoutingOptions_BadThresholdAndPool_Reported()
    {
        var result = new RoutingOptionsValidator().Validate(null, new RoutingOptions { ShortThresholdMs = 0, DefaultPool = (PoolKind)7, TypePools = { ["x"] = PoolKind.Single } });
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("TypePools:x"));
    }

    [Fact]
    public void EntityOptions_ZeroHoldLimit_Fails()
        => Assert.Contains("HoldLimit", new EntityOptionsValidator().Validate(null, new EntityOptions { HoldLimit = TimeSpan.Zero }).FailureMessage);

    [Fact]
    public void EntityOptions_ZeroMaxHandled_FailsNamingTheSettingAndItsRange()
        => Assert.Contains("Surge:Entities:MaxHandled is 0; set 1 to 100000", new EntityOptionsValidator().Validate(null, new EntityOptions { MaxHandled = 0 }).FailureMessage);

    [Fact]
    public void WorkerOptions_DefaultTimeoutOverMaxTimeout_NamesBothKeysAndFix()
    {
        var result = new TaskOptionsValidator(Options.Create(new WorkerOptions { DefaultTimeout = TimeSpan.FromDays(2) })).Validate(null, new TaskOptions { MaxTimeout = TimeSpan.FromDays(1) });
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Surge:Workers:DefaultTimeout is 2.00:00:00, over Surge:Tasks:MaxTimeout (1.00:00:00)", failure);
        Assert.Contains("raise Surge:Tasks:MaxTimeout", failure);
    }

    [Fact]
    public void TaskPolicies_SoftLimitOverMaxTimeout_NamesKeyAndLimit()
    {
        var result = PoliciesValidator().Validate(null, new TaskPoliciesOptions { Types = { ["fetch"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromDays(8) } } });
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Surge:Policies:Types:fetch:SoftTimeLimit is 8.00:00:00", failure);
        Assert.Contains("at most Surge:Tasks:MaxTimeout (7.00:00:00)", failure);
    }

    [Fact]
    public void TaskPolicies_SoftPlusGraceOverMaxTimeout_NamesHardLimitAndFix()
    {
        var policy = new TaskPolicy { SoftTimeLimit = TimeSpan.FromDays(7), HardLimitGrace = TimeSpan.FromSeconds(10) };
        var failure = Assert.Single(PoliciesValidator().Validate(null, new TaskPoliciesOptions { Types = { ["fetch"] = policy } }).Failures!);
        Assert.Contains("Surge:Policies:Types:fetch:SoftTimeLimit (7.00:00:00) + HardLimitGrace (00:00:10) = 7.00:00:10, exceeds Surge:Tasks:MaxTimeout (7.00:00:00)", failure);
        Assert.Contains("lower the soft limit or HardLimitGrace", failure);
    }

    [Fact]
    public void TaskPolicies_DefaultTimeoutPlusGraceOverMaxTimeout_NamesWorkersDefaultTimeout()
    {
        var validator = PoliciesValidator(maxTimeout: TimeSpan.FromHours(1), defaultTimeout: TimeSpan.FromHours(1));
        var failure = Assert.Single(validator.Validate(null, new TaskPoliciesOptions()).Failures!);
        Assert.StartsWith("Surge:Policies:Default: its hard limit, Surge:Workers:DefaultTimeout (01:00:00) + HardLimitGrace (00:00:10)", failure);
    }

    [Fact]
    public void TaskPolicies_SeveralTypesOverMaxTimeout_EveryOneReported()
    {
        var options = new TaskPoliciesOptions { Types = { ["a"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromDays(9) }, ["b"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromDays(7) } } };
        var failures = PoliciesValidator().Validate(null, options).Failures!.ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Surge:Policies:Types:a:SoftTimeLimit", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Surge:Policies:Types:b:", StringComparison.Ordinal) && f.Contains("HardLimitGrace"));
    }

    [Fact]
    public void PortOptions_AdvertisedSiloOnTheGateway_NamesKeyAndFix()
    {
        var result = new Surge.Hosting.HostOptionsValidator().Validate(null, new Surge.Hosting.PortOptions { Silo = 11111, Gateway = 30000, AdvertisedSilo = 30000 });
        Assert.Contains(result.Failures!, f => f.Contains("Surge:Ports:AdvertisedSilo (30000)") && f.Contains("forwards to Silo (11111)"));
    }

    [Fact]
    public void PortOptions_AdvertisedSiloOutOfRange_Fails()
        => Assert.Contains(new Surge.Hosting.HostOptionsValidator().Validate(null, new Surge.Hosting.PortOptions { AdvertisedSilo = 70000 }).Failures!,
            f => f.Contains("Surge:Ports:AdvertisedSilo is 70000; set 1 to 65535"));

    [Fact]
    public void PortOptions_AdvertisedSiloUnset_AdvertisesSilo()
        => Assert.Equal(12345, new Surge.Hosting.PortOptions { Silo = 12345 }.AdvertisedSiloPort);
}
