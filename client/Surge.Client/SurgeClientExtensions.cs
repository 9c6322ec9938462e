using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting; // UseRedisClustering
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Surge.Client.Security;

namespace Surge.Client;

/// <summary>Registers the Surge client on an Orleans client or a service collection.</summary>
public static class SurgeClientExtensions
{
    /// <summary>
    /// Connects this Orleans client to Surge: in cluster mode (<c>Surge:Redis:ConnectionString</c> or <c>SURGE_REDIS</c>)
    /// through Redis membership, else the gateways of <c>Surge:Client:Gateways</c> (default the local silo's,
    /// 127.0.0.1:30000); and registers an <see cref="ISurgeClient"/> service.
    /// </summary>
    public static IClientBuilder AddSurgeClient(this IClientBuilder builder, Action<SurgeClientOptions>? configure = null)
    {
        var options = builder.Configuration.GetSection(SurgeClientOptions.Section).Get<SurgeClientOptions>() ?? new SurgeClientOptions();
        configure?.Invoke(options);
        ConfigureCluster(builder, options);
        ConfigureSecurity(builder, options);
        if (RedisConnectionString(builder.Configuration) is { } redis && options.Gateways.Count == 0)
        {
            builder.UseRedisClustering(redis); // gateways found through Redis, and followed as silos come and go
            ConfigureConnectRetry(builder, options, "gateways from Redis membership, Surge:Redis:ConnectionString");
            builder.Services.AddSurgeClient(configure);
            return builder;
        }
        var gateways = options.Gateways.Count == 0 ? ["127.0.0.1:30000"] : options.Gateways;
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways)
        {
            if (!GatewayAddress.TryParse(gateway, out var endpoint, out var error))
                throw new OptionsValidationException(SurgeClientOptions.Section, typeof(SurgeClientOptions), [$"{SurgeClientOptions.Section}:Gateways has '{gateway}': {error}"]);
            endpoints.Add(endpoint);
        }
        builder.UseStaticClustering(endpoints.ToArray());
        ConfigureConnectRetry(builder, options, $"gateway{(gateways.Count == 1 ? "" : "s")} {string.Join(", ", gateways)}");
        builder.Services.AddSurgeClient(configure);
        return builder;
    }

    // Registered before any filter the host adds after AddSurgeClient (UseConnectionRetryFilter), which Orleans then uses.
    private static void ConfigureConnectRetry(IClientBuilder builder, SurgeClientOptions options, string where)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(ConnectRetry))) return; // called twice
        builder.Services.AddSingleton(sp => new ConnectRetry(options.ConnectTimeout, where, options.Tls.Enabled, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddSingleton<IClientConnectionRetryFilter>(sp => sp.GetRequiredService<ConnectRetry>());
        // One attempt may take Orleans' 5 s: under a shorter budget, a gateway that accepts and never answers would
        // hold the client past it.
        builder.Services.Configure<ConnectionOptions>(o => o.OpenConnectionTimeout = o.OpenConnectionTimeout < options.ConnectTimeout ? o.OpenConnectionTimeout : options.ConnectTimeout);
    }

    private static void ConfigureCluster(IClientBuilder builder, SurgeClientOptions options)
    {
        builder.Services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = builder.Configuration["Surge:Cluster:ClusterId"] ?? "surge";
            o.ServiceId = builder.Configuration["Surge:Cluster:ServiceId"] ?? "surge";
        });
        // Every Surge call is bounded on the silo (a wait by WaitSlice, which the shard caps at TaskShards.MaxWait, the
        // rest by the store's own timeouts), so an answer that has not come a little after that never will: its silo died
        // with the call. Orleans would wait 30 s; failing sooner lets the retry find the shard on a live silo.
        builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.WaitSlice + SurgeClientOptions.ResponseMargin);
        // A silo that hangs (a frozen VM, a long pause) keeps its connections open: the client learns it is gone only
        // from the gateway list, and until then sends the calls of every grain it routes through it into the void.
        // Orleans reads that list once a minute; a read of the membership table every few seconds costs little.
        builder.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = SurgeClientOptions.GatewayListRefresh);
    }

    // Mutual TLS when Surge:Client:Tls is set, and a session opened with the client's credentials (API key, certificate proof).
    internal static void ConfigureSecurity(IClientBuilder builder, SurgeClientOptions options)
    {
        var certificates = options.Tls.Enabled ? new CertificateFiles(options.Tls, SurgeTlsOptions.ClientSection, TimeProvider.System) : null;
        if (certificates is not null)
        {
            builder.UseTls(tls => TlsTrust.Configure(tls, certificates));
            builder.Services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>>(sp => new CertificateFilesLogging<IClusterClientLifecycle>(certificates,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CertificateFiles>>()));
        }
        if (certificates is null && string.IsNullOrWhiteSpace(options.ApiKey)) return;
        if (builder.Services.Any(d => d.ServiceType == typeof(ClientSession))) return; // called twice: one session is enough
        builder.Services.AddSingleton(sp => new ClientCredentials(options.ApiKey, certificates,
            sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        // The cluster client owns this participant (its constructor asks for them): it is asked for at the first opening.
        builder.Services.AddSingleton(sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var calls = new Lazy<ClusterCalls>(() => new ClusterCalls(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<IOptions<SurgeClientOptions>>(), time));
            return new ClientSession(sp.GetRequiredService<ClientCredentials>(),
                (proof, cancel) => calls.Value.CallAsync(static (c, p) => c.GetGrain<ISurgeSessionGrain>(0).OpenAsync(p), proof, cancel),
                time, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ClientSession>>());
        });
        builder.Services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>>(sp => sp.GetRequiredService<ClientSession>());
    }

    /// <summary>Cluster mode: <c>Surge:Redis:ConnectionString</c>, else the <c>SURGE_REDIS</c> environment variable; null for embedded mode.</summary>
    public static string? RedisConnectionString(IConfiguration configuration)
        => configuration["Surge:Redis:ConnectionString"] is { Length: > 0 } cs ? cs
            : Environment.GetEnvironmentVariable("SURGE_REDIS") is { Length: > 0 } env ? env : null;

    /// <summary>
    /// Registers <see cref="ISurgeClient"/> and <see cref="ISurgeFlows"/> over whatever <see cref="IClusterClient"/> the host has: an Orleans
    /// client, or a silo's own (co-hosted) client.
    /// </summary>
    public static IServiceCollection AddSurgeClient(this IServiceCollection services, Action<SurgeClientOptions>? configure = null)
    {
        var options = services.AddOptions<SurgeClientOptions>().BindConfiguration(SurgeClientOptions.Section).ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<IValidateOptions<SurgeClientOptions>, SurgeClientOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISurgeClient, SurgeClient>();
        services.TryAddSingleton<ISurgeFlows, SurgeFlows>();
        return services;
    }
}
