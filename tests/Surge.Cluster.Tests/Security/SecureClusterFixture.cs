using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using Surge.Client;
using Surge.Hosting;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// A two-silo cluster with mutual TLS (a throwaway CA) and roles: <c>CN=admin</c> (the test cluster's own client),
/// <c>CN=alice</c> and <c>CN=bob</c> submit, <c>CN=olga</c> operates, and an API key named <c>ci</c> submits. Tests
/// connect their own clients with <see cref="ConnectAsync"/>, as any service would.
/// </summary>
public sealed class SecureClusterFixture : IAsyncLifetime
{
    public const string SubmitKey = "ci-key-0123456789abcdef";
    public const string OperateKey = "ops-key-0123456789abcdef";
    private const string ClientTlsKey = "SurgeTests:ClientTls";

    internal ThrowawayCertificates Certificates { get; } = ThrowawayCertificates.Create();
    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var admin = Certificates.Client("CN=admin");
        Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            ["Surge:Tls:Directory"] = Certificates.Silo,
            ["Surge:Security:Clients:0:Subject"] = "CN=admin",
            ["Surge:Security:Clients:0:Role"] = "Admin",
            ["Surge:Security:Clients:1:Subject"] = "CN=alice",
            ["Surge:Security:Clients:1:Role"] = "Submit",
            ["Surge:Security:Clients:2:Subject"] = "CN=bob",
            ["Surge:Security:Clients:2:Role"] = "Submit",
            ["Surge:Security:Clients:3:Subject"] = "CN=olga",
            ["Surge:Security:Clients:3:Role"] = "Operate",
            ["Surge:Security:Clients:4:ApiKey"] = SubmitKey,
            ["Surge:Security:Clients:4:Name"] = "ci",
            ["Surge:Security:Clients:4:Role"] = "Submit",
            ["Surge:Security:Clients:5:ApiKey"] = OperateKey,
            ["Surge:Security:Clients:5:Name"] = "ops",
            ["Surge:Security:Clients:5:Role"] = "Operate",
            ["Surge:Autoscale:Enabled"] = "false",
            [ClientTlsKey] = admin,
        }, builder =>
        {
            // Real sockets, which the TLS middleware wraps, and which clients of the tests' own can reach: the test
            // host's default is an in-process transport.
            builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
            builder.AddSiloBuilderConfigurator<TlsSilo>();
            builder.AddClientBuilderConfigurator<TlsClient>();
        });
    }

    /// <summary>
    /// A client of its own, as a service would connect: <paramref name="tls"/> a client directory of <see cref="Certificates"/>.
    /// With <paramref name="once"/> it tries one connection and throws what ended it, where Orleans' client would try
    /// again for minutes; else it tries for <paramref name="connectTimeout"/> (Surge's default: a minute).
    /// </summary>
    public async Task<IHost> ConnectAsync(string? tls, string? apiKey = null, bool once = false, TimeSpan? connectTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(null, LogLevel.Critical);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Surge:Cluster:ClusterId"] = Surge.Cluster.Options.ClusterId,
            ["Surge:Cluster:ServiceId"] = Surge.Cluster.Options.ServiceId,
        });
        var gateway = Surge.Cluster.Primary!.GatewayAddress.Endpoint;
        builder.UseOrleansClient(c =>
        {
            c.AddSurgeClient(o =>
            {
                o.Gateways = [$"{gateway.Address}:{gateway.Port}"];
                o.Tls.Directory = tls;
                o.ApiKey = apiKey;
                if (connectTimeout is { } within) o.ConnectTimeout = within;
            });
            if (once) c.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await host.StartAsync(limit.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await Surge.DisposeAsync();
        Certificates.Dispose();
    }

    private sealed class TlsSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.UseSurgeTls();
    }

    // The test cluster's own client: the admin's certificate, as the silos require.
    private sealed class TlsClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
            => SurgeClientExtensions.ConfigureSecurity(client, new SurgeClientOptions { Tls = { Directory = configuration[ClientTlsKey] } });
    }
}

[CollectionDefinition("secure-cluster")]
public sealed class SecureClusterCollection : ICollectionFixture<SecureClusterFixture>;
