using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Policies;

/// <summary>Which tasks may be answered from the result cache, under which key, and how often it answered on this silo.</summary>
internal sealed class ResultCache(IOptions<TaskPoliciesOptions> policies, HandlerRegistry handlers)
{
    private readonly RecentShare _hits = new();

    /// <summary>The share of hits among this silo's last <see cref="RecentShare.Window"/> lookups; null before the first.</summary>
    public double? HitRatio => _hits.Share;

    /// <summary>Counts one lookup of a task of <paramref name="type"/>: the metric and this silo's live hit ratio.</summary>
    public void Count(string type, bool hit)
    {
        SurgeMeter.ResultCacheRequests.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", hit ? "hit" : "miss"));
        _hits.Record(hit);
    }

    /// <summary>The cache key of a task whose type is deterministic; null when its results are not cached.</summary>
    public string? KeyOf(TaskSpec spec)
    {
        if (spec.Entity is not null) return null; // an entity's events run, in order: a cached answer would skip its turn
        // A wave step's result depends on its entity, date and input pipes, which travel in Flow, not in the payload.
        // Not caching it at all stays correct whatever FlowStep gains later; a key over Flow would have to follow every
        // field, and a wave already runs each step once per entity and date (its id).
        if (spec.Flow is not null) return null;
        var policy = policies.Value.For(spec.Type);
        if (!policy.Deterministic) return null;
        var version = policy.Version ?? handlers.VersionOf(spec.Type) ?? "1";
        return Key(spec.Type, version, spec.Payload.Span);
    }

    public TimeSpan TtlOf(string type) => policies.Value.For(type).CacheTtl;

    public static string Key(string type, string version, ReadOnlySpan<byte> payload)
        => $"{type}\n{version}\n{Convert.ToHexString(SHA256.HashData(payload))}";
}
