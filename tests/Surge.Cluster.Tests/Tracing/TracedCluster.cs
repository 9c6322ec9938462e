using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Tasks;
using Surge.Telemetry;

namespace Surge.Cluster.Tests.Tracing;

/// <summary>
/// Two silos on a fake clock sharing one task store (as they would share Redis), so a shard that moves to the other
/// silo finds its records; "flaky" retries an hour after a failure, which the test makes pass by moving the clock.
/// </summary>
internal static class TracedCluster
{
    public static readonly TimeSpan Backoff = TimeSpan.FromHours(1);

    // The clusters' stores by name, as the silos' configurator finds them (it is made by the test host, not by us).
    private const string StoreKey = "SurgeTests:TracedStore";
    private static readonly ConcurrentDictionary<string, InMemoryTaskStore> Stores = new();

    public static Task<SurgeCluster> StartAsync(FakeTimeProvider clock)
    {
        var name = Guid.NewGuid().ToString("N");
        Stores[name] = new InMemoryTaskStore(); // not disposable: a silo that stops leaves it to the others
        var settings = new Dictionary<string, string>
        {
            [StoreKey] = name,
            ["Surge:Autoscale:Enabled"] = "false",
            ["Surge:Policies:Types:flaky:MaxAttempts"] = "3",
            ["Surge:Policies:Types:flaky:BackoffBase"] = $"{Backoff}",
            ["Surge:Policies:Types:flaky:BackoffMax"] = $"{Backoff}",
            ["Surge:Policies:Types:flaky:Jitter"] = "0",
        };
        return SurgeCluster.StartAsync(settings, clock, b => b.AddSiloBuilderConfigurator<SharedStore>());
    }

    /// <summary>Registers the cluster's one store before Surge's own (which Surge then leaves alone).</summary>
    private sealed class SharedStore : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
            => silo.Services.AddSingleton<ITaskStore>(sp => Stores[sp.GetRequiredService<IConfiguration>()[StoreKey]!]);
    }

    /// <summary>A task id whose shard <see cref="ShardPlacement"/> puts on <paramref name="silo"/> among <paramref name="silos"/>.</summary>
    public static string IdOn(SiloAddress silo, SiloAddress[] silos, string prefix)
        => Enumerable.Range(0, 10_000).Select(i => $"{prefix}-{Guid.NewGuid():N}")
            .First(id => silo.Equals(ShardPlacement.Pick(TaskShards.For(id), silos)));
}

/// <summary>
/// The spans every silo and the client of this process end, through OpenTelemetry's in-memory exporter, while it is
/// alive. The exporter may add from any thread: reads take a snapshot under the same lock.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    /// <summary>The source of the spans a test starts as "the caller's own request".</summary>
    public static readonly ActivitySource Caller = new("Surge.Tests.Caller");

    private readonly LockedSpans _spans = new();
    private readonly TracerProvider _provider;

    public SpanRecorder()
        => _provider = Sdk.CreateTracerProviderBuilder().AddSource(SurgeTracing.SourceName, Caller.Name).AddInMemoryExporter(_spans).Build();

    public Activity[] Snapshot() => _spans.Snapshot();

    /// <summary>Until every span named in <paramref name="names"/> (a name twice: two of them) of the trace has ended.</summary>
    public Task<Activity[]> WaitForTraceAsync(ActivityTraceId trace, params string[] names)
        => Eventually.ValueAsync(() => Task.FromResult(Snapshot().Where(s => s.TraceId == trace).ToArray()),
            spans => names.GroupBy(n => n).All(g => spans.Count(s => s.OperationName == g.Key) >= g.Count()),
            $"spans {string.Join(", ", names)} of trace {trace}");

    public void Dispose() => _provider.Dispose();

    private sealed class LockedSpans : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];
        private readonly Lock _lock = new();

        public Activity[] Snapshot()
        {
            lock (_lock) return [.. _items];
        }

        public void Add(Activity item)
        {
            lock (_lock) _items.Add(item);
        }

        public void Clear()
        {
            lock (_lock) _items.Clear();
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);
        public bool Remove(Activity item) => throw new NotSupportedException();
        public int Count => Snapshot().Length;
        public bool IsReadOnly => false;
        public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
