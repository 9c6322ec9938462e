using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surge.Client;
using Surge.Flows;

namespace Surge.Tests.Flows;

/// <summary>
/// A state's keys go in batches of <see cref="EntityKeys.MaxPerCall"/>: a bad key anywhere is refused before the first
/// batch is sent, named by its place among all the keys given. A stand-in state grain; no cluster.
/// </summary>
public class StateBatchesTests
{
    // A bad key in the second batch was named by its place in that batch (entities[5] for the 10,006th key), after the
    // first batch of 10,000 had been stored.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddOrRemove_BadKeyInTheSecondBatch_RefusedNamingItsPlaceAndNothingSent(bool add)
    {
        var keys = Enumerable.Range(0, EntityKeys.MaxPerCall + 10).Select(i => $"c{i}").ToArray();
        keys[EntityKeys.MaxPerCall + 5] = "customer 42";
        var flows = Flows(out var state);

        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => add ? flows.AddToStateAsync("customers", keys) : flows.RemoveFromStateAsync("customers", keys));

        Assert.Equal(($"entities[{EntityKeys.MaxPerCall + 5}]", 0), (e.Field, state.Calls)); // (field, batches sent)
    }

    [Fact]
    public async Task Add_MoreKeysThanABatch_SentInBatchesOfMaxPerCall()
    {
        var flows = Flows(out var state);

        await flows.AddToStateAsync("customers", Enumerable.Range(0, EntityKeys.MaxPerCall * 2 + 1).Select(i => $"c{i}"));

        Assert.Equal([EntityKeys.MaxPerCall, EntityKeys.MaxPerCall, 1], state.Batches);
    }

    private static ISurgeFlows Flows(out StateStandIn state)
    {
        var grain = DispatchProxy.Create<IEntityStateGrain, StateStandIn>();
        state = (StateStandIn)(object)grain;
        var cluster = DispatchProxy.Create<IClusterClient, ClusterStandIn>();
        ((ClusterStandIn)(object)cluster).Grain = grain;
        return new SurgeFlows(cluster, Options.Create(new SurgeClientOptions()), new FakeTimeProvider());
    }

    /// <summary>A state grain that takes every add and remove, and counts the keys of each.</summary>
    public class StateStandIn : DispatchProxy
    {
        public List<int> Batches { get; } = [];
        public int Calls => Batches.Count;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name is not (nameof(IEntityStateGrain.AddAsync) or nameof(IEntityStateGrain.RemoveAsync)))
                throw new NotSupportedException(targetMethod?.Name);
            Batches.Add(((ImmutableArray<string>)args![0]!).Length);
            return Task.FromResult(Batches.Sum());
        }
    }

    public class ClusterStandIn : DispatchProxy
    {
        internal object? Grain { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
            => targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } ? Grain : throw new NotSupportedException(targetMethod?.Name);
    }
}
