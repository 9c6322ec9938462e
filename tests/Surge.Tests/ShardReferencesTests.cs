using System.Reflection;

namespace Surge.Tests;

public class ShardReferencesTests
{
    [Fact]
    public void Get_SameFactoryAndShard_ResolvesTheGrainOnce()
    {
        var grains = CountingFactory.Create(out var counter);

        var first = ShardReferences<ITaskShardGrain>.Get(grains, 7);
        var again = ShardReferences<ITaskShardGrain>.Get(grains, 7);
        ShardReferences<ITaskShardGrain>.Get(grains, 8);

        Assert.Same(first, again);
        Assert.Equal(2, counter.Calls);
    }

    [Fact]
    public void Get_AnotherFactory_GetsItsOwnReference()
    {
        var silo = CountingFactory.Create(out _);
        var other = CountingFactory.Create(out var otherCounter);

        var fromSilo = ShardReferences<ITaskShardGrain>.Get(silo, 3);
        var fromOther = ShardReferences<ITaskShardGrain>.Get(other, 3);

        Assert.NotSame(fromSilo, fromOther); // a reference is bound to its runtime: two silos in one process never share one
        Assert.Equal(1, otherCounter.Calls);
    }

    /// <summary>A grain factory that answers GetGrain with a new stand-in each time, and counts the calls.</summary>
    public class CountingFactory : DispatchProxy
    {
        public int Calls { get; private set; }

        public static IGrainFactory Create(out CountingFactory counter)
        {
            var factory = Create<IGrainFactory, CountingFactory>();
            counter = (CountingFactory)(object)factory;
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is not { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true })
                throw new NotSupportedException(targetMethod?.Name);
            Calls++;
            var create = typeof(DispatchProxy).GetMethod(nameof(Create), 2, [])!.MakeGenericMethod(targetMethod.GetGenericArguments()[0], typeof(Stand));
            return create.Invoke(null, null);
        }
    }

    /// <summary>A grain reference's stand-in: never called.</summary>
    public class Stand : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new NotSupportedException();
    }
}
