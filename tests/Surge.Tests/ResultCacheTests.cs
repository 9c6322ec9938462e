using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Tests;

public class ResultCacheTests
{
    private static ResultCache Cache()
    {
        var policies = new TaskPoliciesOptions();
        policies.Types["score"] = new TaskPolicy { Deterministic = true };
        return new ResultCache(Options.Create(policies), new HandlerRegistry(new ServiceCollection().BuildServiceProvider(), []));
    }

    private static TaskSpec Step(string entity, string input) => TaskSpec.Create("score", "{}", id: $"wave:w:{entity}:score@v1") with
    {
        Flow = new FlowStep("w", "f", "score", "v1", entity, "2026-01-01", false,
            ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty.Add("features", Encoding.UTF8.GetBytes(input)), []),
    };

    [Fact]
    public void KeyOf_DeterministicTypeSamePayload_SameKey()
        => Assert.Equal(Cache().KeyOf(TaskSpec.Create("score", "{}")), Cache().KeyOf(TaskSpec.Create("score", "{}")));

    [Fact]
    public void KeyOf_WaveStep_NotCached()
    {
        // Two entities' steps share type, version and payload; only their inputs differ.
        var cache = Cache();
        Assert.Null(cache.KeyOf(Step("a", "1")));
        Assert.Null(cache.KeyOf(Step("b", "2")));
    }
}
