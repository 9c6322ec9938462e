namespace Surge;

/// <summary>
/// The grain storage providers Surge's state lives in: memory on embedded defaults, Redis in cluster mode.
/// </summary>
/// <remarks>
/// In the root namespace, beside <see cref="RecoveryOptions"/>: every feature names a storage, and a feature that had
/// to reach into another (Tasks) for it depended on it for nothing else.
/// </remarks>
public static class SurgeStorage
{
    /// <summary>Long-lived state: schedules, caps, the trainer.</summary>
    public const string Name = "surge";

    /// <summary>Cached results of deterministic types. In Redis each entry expires by TTL (the largest <c>CacheTtl</c>), read or not.</summary>
    public const string Cache = "surge-cache";

    /// <summary>
    /// Entity books, unless the host puts them elsewhere: cluster mode (<c>UseRedisTaskStore</c>) writes them to Redis
    /// in batches. There a book with a running or held event never expires (a run may outlast any expiry); an idle
    /// one, which only remembers handled events, expires once untouched for <c>Surge:Tasks:Retention</c> +
    /// <c>Surge:Entities:HoldLimit</c> + <c>Surge:Tasks:MaxTimeout</c>. A host that puts books in a grain storage must
    /// give it no entry expiry, for the same reason: an expired book lets the entity's next event run beside its running one.
    /// </summary>
    public const string Entities = "surge-entities";

    /// <summary>Waves and the run of each entity in them. In Redis each entry expires 30 days after its last write.</summary>
    public const string Waves = "surge-waves";

    /// <summary>Clients' sessions (who each connected client proved to be). In Redis each expires 15 minutes after its last renewal.</summary>
    public const string Sessions = "surge-sessions";

    /// <summary>Pipes, unless the host puts them elsewhere: cluster mode (<c>UseRedisTaskStore</c>) keeps them in Redis, each with its flow's TTL.</summary>
    public const string Pipes = "surge-pipes";
}
