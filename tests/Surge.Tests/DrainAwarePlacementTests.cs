using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Placement;

namespace Surge.Tests;

/// <summary>The grains Orleans places by default are offered only the silos not heard draining.</summary>
public class DrainAwarePlacementTests
{
    private static readonly SiloAddress A = Silo(11111), B = Silo(22222);

    [Fact]
    public void GetCompatibleSilos_OneDrains_TheOthers()
    {
        var (context, draining) = Context(A, B);
        draining.Heard(B, TimeSpan.FromSeconds(30));

        Assert.Equal([A], context.GetCompatibleSilos(default));
        Assert.Equal([A], context.GetCompatibleSilosWithVersions(default)[1]);
    }

    [Fact]
    public void GetCompatibleSilos_EveryOneDrains_AllOfThem()
    {
        var (context, draining) = Context(A, B);
        draining.Heard(A, TimeSpan.FromSeconds(30));
        draining.Heard(B, TimeSpan.FromSeconds(30));

        Assert.Equal([A, B], context.GetCompatibleSilos(default)); // an empty choice would refuse the activation
    }

    [Fact]
    public void Wrap_CalledTwice_WrapsTheDefaultDirectorOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<PlacementStrategy, RandomPlacement>();
        services.AddKeyedSingleton<IPlacementDirector, FirstSilo>(typeof(RandomPlacement));

        DrainAwarePlacement.Wrap(services);
        var once = services.Single(d => d.ServiceType == typeof(IPlacementDirector));
        DrainAwarePlacement.Wrap(services);

        Assert.Null(once.KeyedImplementationType); // replaced by the wrapper's factory
        Assert.Same(once, services.Single(d => d.ServiceType == typeof(IPlacementDirector)));
    }

    private static (IPlacementContext Context, DrainingSilos Draining) Context(params SiloAddress[] silos)
    {
        var draining = new DrainingSilos(new FakeTimeProvider());
        return (new DrainAwarePlacement.EligibleSilos(new Offered(silos), draining, FixedMembership.Active(silos)), draining);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private sealed class Offered(SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress LocalSilo => silos[0];
        public SiloStatus LocalSiloStatus => SiloStatus.Active;
        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;
        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) => new Dictionary<ushort, SiloAddress[]> { [1] = silos };
    }

    private sealed class FirstSilo : IPlacementDirector
    {
        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
            => Task.FromResult(context.GetCompatibleSilos(target)[0]);
    }
}
