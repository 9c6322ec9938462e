namespace Surge.Policies;

/// <summary>
/// What happens when a task of one type goes wrong (<c>Surge:Policies</c>): <c>Default</c> for every type, and
/// <c>Types:&lt;type&gt;</c> to override it whole for one type.
/// </summary>
public sealed class TaskPoliciesOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Policies";

    /// <summary>The policy of every type without an entry in <see cref="Types"/>.</summary>
    public TaskPolicy Default { get; set; } = new();

    /// <summary>Per task type, a whole policy that replaces <see cref="Default"/> for it (fields are not merged).</summary>
    public Dictionary<string, TaskPolicy> Types { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The policy <paramref name="type"/> runs under: its own entry, else <see cref="Default"/>.</summary>
    public TaskPolicy For(string type) => Types.TryGetValue(type, out var policy) ? policy : Default;
}

/// <summary>Retries and time limits of one task type.</summary>
public sealed class TaskPolicy
{
    /// <summary>
    /// Executions before a failing task is dead-lettered; 1 runs once and never retries (no handler is assumed
    /// idempotent). A submission may set its own (<see cref="TaskSpec.MaxAttempts"/>). Default 1; 1 to 100.
    /// </summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Wait before the second attempt; each later wait doubles, up to <see cref="BackoffMax"/>. Default 1 s; 0 to 1 h.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts. Default 5 min; at least <see cref="BackoffBase"/>, at most 1 day.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Share of each wait that is random, so tasks that failed together do not retry together: a wait w becomes
    /// w × (1 − Jitter × r), r uniform in [0, 1). Default 0.2; 0 to 1.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>
    /// Exception type names (short, as <c>TimeoutException</c>, or full) that fail a task at once, without retry.
    /// A handler can also throw <see cref="NonRetryableTaskException"/>. Default none.
    /// </summary>
    public List<string> NonRetryableErrors { get; set; } = [];

    /// <summary>
    /// Soft limit: the handler's token is cancelled after this. A submission's own <see cref="TaskSpec.Timeout"/>
    /// wins; unset, <c>Surge:Workers:DefaultTimeout</c> (1 h) applies. Above 0, at most <c>Surge:Tasks:MaxTimeout</c> (7 days),
    /// and so is this limit plus <see cref="HardLimitGrace"/>.
    /// </summary>
    public TimeSpan? SoftTimeLimit { get; set; }

    /// <summary>
    /// Hard limit, after the soft one: a handler still running this long after its token was cancelled is abandoned,
    /// its task failed (retryable) and its slot freed. Default 10 s; 0 to 1 h.
    /// </summary>
    public TimeSpan HardLimitGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most tasks of this type running at once across the whole cluster (not per silo). Silos lease slots from the
    /// type's cap grain in batches, so no task waits for a round trip. Null: no cap. 1 to 100,000; per type only.
    /// </summary>
    public int? MaxRunning { get; set; }

    /// <summary>Most starts of this type per second across the cluster (bursts up to one second's worth). Null: no limit. Above 0, at most 1,000,000; per type only.</summary>
    public double? MaxStartsPerSecond { get; set; }

    /// <summary>Whether a cluster-wide cap or rate limit applies.</summary>
    public bool IsCapped => MaxRunning is not null || MaxStartsPerSecond is not null;

    /// <summary>
    /// The same payload always gives the same result: a success is cached under (type, version, SHA-256 of the
    /// payload) and a later submission of the same payload is answered from the cache for <see cref="CacheTtl"/>
    /// instead of running. Independent tasks only (entity events always run, in order). Default false.
    /// </summary>
    public bool Deterministic { get; set; }

    /// <summary>How long a cached result is served. Default 1 h; 1 s to 30 days.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Version of the handler's logic (or its model): part of the cache key, so a new version never serves an old
    /// version's result. Unset: the handler's own <see cref="Workers.IVersionedHandler.Version"/>, else "1".
    /// </summary>
    public string? Version { get; set; }
}
