using Surge.Pools;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Surge.Autoscale;
using Surge.Hosting;
using Surge.Hosting.Kubernetes;
using Surge.Workers;

namespace Surge.Cluster.Tests.Helm;

/// <summary>The rendered Surge__* variables read the way the silo reads them: bound onto its options, then validated.</summary>
internal sealed class SiloSettings
{
    private SiloSettings(IConfiguration configuration) => Configuration = configuration;

    public IConfiguration Configuration { get; }
    public PortOptions Ports => Bind<PortOptions>(PortOptions.Section, new HostOptionsValidator());
    public Hosting.ClusterOptions Cluster => Bind<Hosting.ClusterOptions>(Hosting.ClusterOptions.Section, new HostOptionsValidator());
    public DrainOptions Drain => Bind<DrainOptions>(DrainOptions.Section, new DrainOptionsValidator());
    public AutoscaleOptions Autoscale => Bind<AutoscaleOptions>(AutoscaleOptions.Section, new AutoscaleOptionsValidator());
    public KubernetesMembershipOptions KubernetesMembership => Bind<KubernetesMembershipOptions>(KubernetesMembershipOptions.Section, new KubernetesMembershipOptionsValidator());
    public Surge.Security.SecurityOptions Security => Bind<Surge.Security.SecurityOptions>(Surge.Security.SecurityOptions.Section, new Surge.Security.SecurityOptionsValidator());
    public Surge.Silos.SiloGroupOptions Group => Bind<Surge.Silos.SiloGroupOptions>(Surge.Silos.SiloGroupOptions.Section, new Surge.Silos.SiloGroupOptionsValidator());
    public HttpAuthOptions HttpAuth => Bind<HttpAuthOptions>(HttpAuthOptions.Section, new HttpAuthOptionsValidator());

    /// <summary>Bound as the silo binds it; its files are checked where they are mounted, which a rendering has not.</summary>
    public Surge.Client.Security.SurgeTlsOptions Tls
    {
        get
        {
            var options = new Surge.Client.Security.SurgeTlsOptions();
            Configuration.GetSection(Surge.Client.Security.SurgeTlsOptions.SiloSection).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
            return options;
        }
    }

    /// <summary>Sections the silo binds that the chart sets; anything else under Surge__ would be a typo the silo ignores.</summary>
    public static readonly string[] Sections = [PortOptions.Section, Hosting.ClusterOptions.Section, DrainOptions.Section, AutoscaleOptions.Section,
        KubernetesMembershipOptions.Section, HttpAuthOptions.Section, Surge.Client.Security.SurgeTlsOptions.SiloSection, Surge.Security.SecurityOptions.Section,
        Surge.Silos.SiloGroupOptions.Section];

    /// <summary>The literal Surge__ values (a Secret's are left out: see <see cref="FromPod"/>).</summary>
    public static SiloSettings From(IReadOnlyDictionary<string, JsonNode> env)
        => From(env.Where(e => e.Value is JsonValue).ToDictionary(e => e.Key, e => (string?)e.Value));

    /// <summary>What the container gets, Secret keys resolved (<see cref="ChartSiloTests.PodEnvironment"/>).</summary>
    public static SiloSettings FromPod(Manifests chart) => From(ChartSiloTests.PodEnvironment(chart, "jobs").ToDictionary(e => e.Key, e => (string?)e.Value));

    private static SiloSettings From(Dictionary<string, string?> env)
    {
        // As the environment-variable configuration provider maps them: "__" separates sections.
        var values = env.Where(e => e.Key.StartsWith("Surge__", StringComparison.Ordinal)).ToDictionary(e => e.Key.Replace("__", ":"), e => e.Value);
        return new SiloSettings(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    private T Bind<T>(string section, IValidateOptions<T> validator) where T : class, new()
    {
        var options = new T();
        Configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        var result = validator.Validate(null, options);
        Assert.False(result.Failed, $"{section} as rendered is refused by the silo: {result.FailureMessage}");
        return options;
    }
}
