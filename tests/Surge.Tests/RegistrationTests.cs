using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Autoscale;
using Surge.Hosting;
using Surge.Hosting.Redis;
using Surge.Pools;
using Surge.Tasks;
using Surge.Telemetry;

namespace Surge.Tests;

public class RegistrationTests
{
    private sealed class Noop : Workers.ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(Workers.TaskContext context, CancellationToken cancellationToken) => default;
    }

    private static int Participants<T>(IServiceCollection services)
        => services.Count(d => d.ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>) && !d.IsKeyedService && d.ImplementationType == typeof(T));

    [Fact]
    public void AddSurgeWorkers_Twice_OneRuntimeAndBothCallsHandlers()
    {
        var services = new ServiceCollection();
        services.AddSurgeWorkers();
        services.AddSurgeWorkers(w => w.AddHandler<Noop>("resize")); // as a host adding its handlers after AddSurgeSilo

        Assert.Equal(1, Participants<SignalReporter>(services));
        Assert.Equal(1, Participants<PoolGauges>(services));
        Assert.Single(services, d => d.ServiceType == typeof(PoolRunner));
        Assert.Contains(services, d => d.IsKeyedService && Equals(d.ServiceKey, "resize"));
    }

    public static TheoryData<string> Features => ["workers", "autoscale", "caps", "schedules", "programs"];

    private static void Register(IServiceCollection services, string feature)
    {
        switch (feature)
        {
            case "workers": services.AddSurgeWorkers(); break;
            case "autoscale": services.AddSurgeAutoscale(); break;
            case "caps": services.AddSurgeCaps(); break;
            case "schedules": services.AddSurgeSchedules(); break;
            case "programs": services.AddSurgePrograms(); break;
            default: throw new ArgumentOutOfRangeException(nameof(feature), feature, null);
        }
    }

    // One line per registration, so two collections compare as the same services however they were built.
    private static List<string> Describe(IServiceCollection services) => services
        .Select(d => $"{d.ServiceType} [{d.ServiceKey}] {(d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType)?.ToString() ?? (d.IsKeyedService ? d.KeyedImplementationInstance : d.ImplementationInstance)?.GetType().ToString() ?? "factory"}")
        .Order(StringComparer.Ordinal).ToList();

    [Theory]
    [MemberData(nameof(Features))]
    public void FeatureRegistration_Twice_SameServicesAsOnce(string feature)
    {
        var once = new ServiceCollection();
        Register(once, feature);
        var twice = new ServiceCollection();
        Register(twice, feature);
        Register(twice, feature);

        Assert.NotEmpty(Describe(once));
        Assert.Equal(Describe(once), Describe(twice));
    }

    [Theory]
    [MemberData(nameof(Features))]
    public void FeatureRegistration_AfterAddSurgeWorkers_AddsNothing(string feature)
    {
        var services = new ServiceCollection();
        services.AddSurgeWorkers();
        var composed = Describe(services);

        Register(services, feature);

        Assert.Equal(composed, Describe(services));
    }

    [Fact]
    public void AddSurgeSilo_HandlersAddedInItsConfigure_OneSetOfServices()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddSurgeSilo(silo => silo.AddSurgeWorkers(w => w.AddHandler<Noop>("resize")));

        Assert.Equal(1, Participants<SignalReporter>(builder.Services));
        Assert.Equal(1, Participants<PoolGauges>(builder.Services));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(PoolRunner));
        Assert.Contains(builder.Services, d => d.IsKeyedService && Equals(d.ServiceKey, "resize"));
    }

    [Fact]
    public void AddSurgeSilo_WorkersCallbackAndAddSurgeWorkersAgain_OneRuntimeOneTypedHandler()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddSurgeSilo(workers => workers.AddHandler<TypedHandlerTests.ResizeHandler>().AddHandler<TypedHandlerTests.ResizeHandler>());
        builder.Services.AddSurgeWorkers(w => w.AddHandler<TypedHandlerTests.ResizeHandler>()); // as a host registering its handlers twice over

        Assert.Equal(1, Participants<SignalReporter>(builder.Services));
        Assert.Equal(1, Participants<PoolGauges>(builder.Services));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(PoolRunner));
        Assert.Single(builder.Services, d => d.IsKeyedService && d.ServiceType == typeof(Workers.ITaskHandler) && Equals(d.ServiceKey, TypedHandlerTests.Resize.Name));
        Assert.Single(builder.Services, d => d.ImplementationInstance is Workers.HandlerRegistration { Type: "resize" });
    }

    [Fact]
    public void AddSurgeSilo_LambdaBothBuildersAccept_StillGetsTheSiloBuilder()
    {
        var builder = Host.CreateApplicationBuilder();
        object? given = null;

        // Compiles for either builder (both have Services): the silo builder's overload wins, as before the workers' one existed.
        builder.AddSurgeSilo(x =>
        {
            x.Services.AddSingleton<Noop>();
            given = x;
        });

        Assert.IsAssignableFrom<ISiloBuilder>(given);
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(Noop));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UseRedisTaskStore_BeforeOrAfterAddSurgeWorkers_RedisStoreIsTheOnlyOne(bool before)
    {
        var services = new ServiceCollection();
        if (before) services.UseRedisTaskStore("127.0.0.1:1");
        services.AddSurgeWorkers();
        if (!before) services.UseRedisTaskStore("127.0.0.1:1");

        var store = Assert.Single(services, d => d.ServiceType == typeof(ITaskStore));
        Assert.Equal(typeof(RedisTaskStore), store.ImplementationType);
    }

    [Fact]
    public void AddSurgeWorkers_NoOtherStore_InMemoryStore()
    {
        var services = new ServiceCollection();
        services.AddSurgeWorkers();

        Assert.Equal(typeof(InMemoryTaskStore), Assert.Single(services, d => d.ServiceType == typeof(ITaskStore)).ImplementationType);
    }
}

public class ClientRegistrationTests
{
    [Fact]
    public void AddSurgeClient_ToACluster_ReadsLiveGatewaysEveryFewSecondsAndBoundsCalls()
    {
        var builder = Host.CreateApplicationBuilder(["--Surge:Client:Gateways:0=127.0.0.1:30000"]);
        builder.UseOrleansClient(c => Client.SurgeClientExtensions.AddSurgeClient(c));
        using var host = builder.Build();

        // A hung silo's gateway is dropped from the list this soon after it is declared dead, not Orleans' minute.
        var gateways = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GatewayOptions>>().Value;
        Assert.Equal(Client.SurgeClientOptions.GatewayListRefresh, gateways.GatewayListRefreshPeriod);
        Assert.True(gateways.GatewayListRefreshPeriod <= TimeSpan.FromSeconds(10));
        var messaging = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClientMessagingOptions>>().Value;
        Assert.Equal(Client.SurgeClientOptions.DefaultWaitSlice + Client.SurgeClientOptions.ResponseMargin, messaging.ResponseTimeout);
    }

    // A gateway that accepts and never answers held a command with a 4 s budget for 5.8 s: Orleans' attempt lasts 5 s.
    [Theory]
    [InlineData("00:00:02", 2)]
    [InlineData("00:01:00", 5)] // the default budget: Orleans' own attempt timeout stands
    public void AddSurgeClient_ConnectTimeout_BoundsEachConnectionAttempt(string connectTimeout, int attemptSeconds)
    {
        var builder = Host.CreateApplicationBuilder(["--Surge:Client:Gateways:0=127.0.0.1:30000", $"--Surge:Client:ConnectTimeout={connectTimeout}"]);
        builder.UseOrleansClient(c => Client.SurgeClientExtensions.AddSurgeClient(c));
        using var host = builder.Build();

        var connections = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ConnectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(attemptSeconds), connections.OpenConnectionTimeout);
    }
}
