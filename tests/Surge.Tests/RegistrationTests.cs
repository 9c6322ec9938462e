using Microsoft.Extensions.DependencyInjection;
using Surge.Autoscale;
using Surge.Hosting;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Tests;

public class RegistrationTests
{
    private sealed class Noop : Workers.ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(Workers.TaskContext context, CancellationToken cancellationToken) => default;
    }

    [Fact]
    public void AddSurgeWorkers_Twice_OneRuntimeAndBothCallsHandlers()
    {
        var services = new ServiceCollection();
        services.AddSurgeWorkers();
        services.AddSurgeWorkers(w => w.AddHandler<Noop>("resize")); // as a host adding its handlers after AddSurgeSilo

        int Count(Type implementation) => services.Count(d => d.ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>) && d.ImplementationType == implementation);
        Assert.Equal(1, Count(typeof(SignalReporter)));
        Assert.Equal(1, Count(typeof(PoolGauges)));
        Assert.Single(services, d => d.ServiceType == typeof(PoolRunner));
        Assert.Contains(services, d => d.IsKeyedService && Equals(d.ServiceKey, "resize"));
    }
}
