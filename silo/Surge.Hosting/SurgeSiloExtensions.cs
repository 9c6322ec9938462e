using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Storage;
using StackExchange.Redis;
using Surge.Hosting.Kubernetes;
using Surge.Hosting.Redis;
using Surge.Hosting.Storage;
using Surge.Tasks;
using Surge.Pools;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>Turns a .NET host into a Surge silo.</summary>
public static class SurgeSiloExtensions
{
    /// <summary>
    /// <see cref="AddSurgeSilo(IHostApplicationBuilder, Action{ISiloBuilder}?)"/> with this host's handlers, policies and
    /// programs: <c>builder.AddSurgeSilo(workers =&gt; workers.AddHandler&lt;ResizeHandler&gt;())</c>. The runtime is
    /// registered once however often workers are added (here, or again with <c>AddSurgeWorkers</c>), and adding the same
    /// typed handler twice changes nothing. For the <see cref="ISiloBuilder"/> itself, use the other overload.
    /// </summary>
    /// <remarks>
    /// Lower priority than the <see cref="ISiloBuilder"/> overload: a lambda that binds to both, such as
    /// <c>x =&gt; x.Services.AddSingleton&lt;T&gt;()</c> (both builders have <c>Services</c>), keeps meaning the silo
    /// builder, as it did before this overload existed, instead of becoming ambiguous.
    /// </remarks>
    [OverloadResolutionPriority(-1)]
    public static IHostApplicationBuilder AddSurgeSilo(this IHostApplicationBuilder builder, Action<SurgeWorkersBuilder> workers)
    {
        ArgumentNullException.ThrowIfNull(workers);
        return builder.AddSurgeSilo(silo => silo.AddSurgeWorkers(workers));
    }

    /// <summary>
    /// Makes this host a Surge silo: on embedded defaults localhost clustering and in-memory storage; with
    /// <c>Surge:Redis:ConnectionString</c> (or <c>SURGE_REDIS</c>) a member of a Redis-backed cluster. Ports come from
    /// <c>Surge:Ports</c>; everything else is read from <c>Surge:*</c> configuration and validated at start-up. Its
    /// spans go out over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/tracing.md).
    /// </summary>
    public static IHostApplicationBuilder AddSurgeSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var services = builder.Services;
        services.AddOptions<PortOptions>().BindConfiguration(PortOptions.Section).ValidateOnStart();
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortOptions>, HostOptionsValidator>();
        services.AddSingleton<IValidateOptions<ClusterOptions>, HostOptionsValidator>();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, HostOptionsValidator>();
        services.AddOptions<MembershipOptions>().BindConfiguration(MembershipOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MembershipOptions>, MembershipOptionsValidator>();
        services.AddKubernetesMembershipOptions();
        services.AddKubernetesPodScaler();
        StartFailureLogging.AddTo(services); // a failed start is one line from whoever started the host, not four traces

        var ports = EarlySettings.Read<PortOptions>(builder.Configuration, services, PortOptions.Section);
        var cluster = EarlySettings.Read<ClusterOptions>(builder.Configuration, services, ClusterOptions.Section);
        var redis = RedisOptions.From(builder.Configuration);
        // The drain timeout bounds the whole stop: the tasks' wait and Orleans' own leaving.
        var drain = EarlySettings.Read<DrainOptions>(builder.Configuration, services, DrainOptions.Section);
        var group = EarlySettings.Read<Surge.Silos.SiloGroupOptions>(builder.Configuration, services, Surge.Silos.SiloGroupOptions.Section);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = group.StopTimeout(drain.Timeout)); // a spot silo: its reclaim notice
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StopDeadline>()); // a stop that outlasts it ends the process
        builder.AddSurgeTracing(); // OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set
        builder.UseOrleans(silo =>
        {
            if (redis is null) UseEmbedded(silo, ports, cluster);
            else UseRedis(silo, redis, ports, cluster).UseKubernetesMembership(builder.Configuration);
            silo.UseSurgeTls(); // Surge:Tls, in either mode
            silo.AddSurgeWorkers();
            silo.AddDashboard();
            configure?.Invoke(silo);
        });
        return builder;
    }

    // One process: localhost clustering, records in this process's memory.
    private static void UseEmbedded(ISiloBuilder silo, PortOptions ports, ClusterOptions cluster)
    {
        silo.UseLocalhostClustering(ports.Silo, ports.Gateway, new IPEndPoint(IPAddress.Loopback, ports.PrimarySiloPort), cluster.ServiceId, cluster.ClusterId);
        silo.UseInMemoryReminderService(); // schedules wake up by reminders; in one process they live as long as it does
        // The quick start and --embedded submit simulate tasks with no settings; only local processes reach this silo.
        silo.Services.PostConfigure<WorkerOptions>(o => o.Simulate ??= true);
        foreach (var name in (string[])[SurgeStorage.Name, SurgeStorage.Cache, SurgeStorage.Entities, SurgeStorage.Waves, SurgeStorage.Pipes, SurgeStorage.Sessions])
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => ActivatorUtilities.CreateInstance<ProcessMemoryGrainStorage>(sp));
    }

    // Cluster mode: membership, grain state, reminders and task records in Redis, and recovery of a dead silo's work.
    private static ISiloBuilder UseRedis(ISiloBuilder silo, string connectionString, PortOptions ports, ClusterOptions cluster)
    {
        silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        silo.ConfigureEndpoints(AdvertisedAddress(), ports.AdvertisedSiloPort, ports.Gateway, listenOnAnyHostAddress: true);
        // Listen on Silo whatever is advertised: ConfigureEndpoints listens on the advertised port.
        silo.Configure<Orleans.Configuration.EndpointOptions>(o => o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, ports.Silo));
        silo.UseRedisClustering(connectionString);
        silo.Services.WaitForRedisAtStart(); // a silo started while Redis is away waits for it (Surge:Redis:StartupTimeout)
        // Task shards and entities must never be active twice: a duplicate activation would answer from a stale view
        // (an acknowledged task "unknown") or write over another's records. Orleans' strongly consistent directory
        // prevents duplicates where the default one allows them while membership changes.
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        UseMembershipSettings(silo);
        silo.AddSurgeRedisStorage(connectionString);
        silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(connectionString));
        silo.Services.AddSingleton(new RedisConnection(connectionString)); // connecting from now on, not at the first shard
        silo.UseRedisTaskStore(connectionString);
        silo.Services.Replace(ServiceDescriptor.Singleton(new RecoveryOptions { RedispatchOnActivation = true })); // whatever the order
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ShardKeeper>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MembershipWatch>(); // a silo declared dead stops within seconds
        return silo;
    }

    // A dead silo's shards serve again once membership declares it dead, so detection is tuned for seconds, not
    // Orleans' default of several probe rounds at up to 20 s each; the adaptive probe timeout and the vote
    // suppression while a connection still carries messages keep a slow silo from being declared dead. Silos write
    // that they are alive every few seconds, not Orleans' 30 s, so survivors that have lost their majority stop
    // waiting for votes the dead cannot cast within seconds (MembershipWatch keeps each silo's view of those writes fresh).
    private static void UseMembershipSettings(ISiloBuilder silo)
        => silo.Services.AddOptions<Orleans.Configuration.ClusterMembershipOptions>().Configure<IOptions<MembershipOptions>>((o, surge) =>
        {
            o.ProbeTimeout = surge.Value.ProbeTimeout;
            o.NumMissedProbesLimit = surge.Value.MissedProbes;
            o.NumVotesForDeathDeclaration = surge.Value.Votes;
            o.IAmAliveTablePublishTimeout = surge.Value.IAmAlivePeriod;
        });

    // In a pod, the pod's IP (downward API); on one machine, loopback.
    private static IPAddress AdvertisedAddress()
        => Environment.GetEnvironmentVariable("POD_IP") is { } ip && IPAddress.TryParse(ip, out var address) ? address : IPAddress.Loopback;
}
