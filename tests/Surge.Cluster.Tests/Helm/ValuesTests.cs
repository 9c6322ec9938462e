namespace Surge.Cluster.Tests.Helm;

/// <summary>Bad values are refused by helm itself, with a message that names the value.</summary>
[Trait("Category", "Helm")]
public class ValuesTests
{
    [Theory]
    [InlineData("autoscale.minReplicas=0", "/autoscale/minReplicas")]
    [InlineData("autoscale.maxReplicas=5000", "/autoscale/maxReplicas")]
    [InlineData("autoscale.minReplica=2", "'minReplica' not allowed")]
    [InlineData("ports.http=70000", "/ports/http")]
    [InlineData("drain.timeoutSeconds=-1", "/drain/timeoutSeconds")]
    [InlineData("drain.timeoutSeconds=7200", "/drain/timeoutSeconds")]
    [InlineData("image.pullPolicy=Sometimes", "/image/pullPolicy")]
    [InlineData("settings.Autoscale.MinReplicas=3", "'Autoscale'")]
    [InlineData("replicaCount=many", "/replicaCount")]
    public async Task Schema_RejectsValuesOutsideIt(string set, string named)
    {
        Assert.Contains(named, await Helm.TemplateErrorAsync(set));
        var (exitCode, stdout, stderr) = await Helm.LintAsync(null, set);
        Assert.NotEqual(0, exitCode);
        Assert.Contains(named, stdout + stderr);
    }

    [Theory]
    [InlineData("autoscale.minReplicas=5,autoscale.maxReplicas=3", "autoscale.minReplicas (5) is above autoscale.maxReplicas (3)")]
    [InlineData("ports.http=30000", "must differ")]
    [InlineData("redis.trial.enabled=false", "set exactly one of")]
    [InlineData("redis.existingSecret=mine", "set exactly one of")]
    public async Task Template_RejectsContradictions(string set, string message)
        => Assert.Contains(message, await Helm.TemplateErrorAsync(set));

    [Fact]
    public async Task Redis_ExistingSecret_IsReadNotCreated()
    {
        var chart = await Helm.TemplateAsync(Helm.ProductionValues);
        Assert.Empty(chart.OfKind("Secret"));
        Assert.DoesNotContain(chart.OfKind("StatefulSet"), s => Manifests.Name(s).EndsWith("-redis"));
        var secret = chart.SiloEnv["SURGE_REDIS"]["secretKeyRef"]!;
        Assert.Equal(("surge-redis-credentials", "connection-string"), ((string?)secret["name"], (string?)secret["key"]));
    }

    [Fact]
    public async Task Redis_Trial_RunsOneRedisTheSilosPointAt()
    {
        var chart = await Helm.TemplateAsync();
        var redis = chart.Named("StatefulSet", "surge-redis");
        Assert.Equal("1", (string?)redis["spec"]!["replicas"]);
        var reference = chart.SiloEnv["SURGE_REDIS"]["secretKeyRef"]!;
        var secret = chart.Named("Secret", (string)reference["name"]!);
        var password = (string)secret["stringData"]!["password"]!;
        Assert.Equal($"{Manifests.Name(chart.Named("Service", "surge-redis"))}:6379,password={password}", (string?)secret["stringData"]![(string)reference["key"]!]);
    }
}
