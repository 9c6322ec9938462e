using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Surge.Cluster.Tests;

internal static class Simulated
{
    public static TaskSpec Task(string id, double durationMs, string kind = "work")
        => new(id, "simulate", Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"duration_ms\":{durationMs}}}")),
            ImmutableDictionary<string, FeatureValue>.Empty.Add("kind", kind));
}
