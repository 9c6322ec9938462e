using Microsoft.Extensions.Time.Testing;

namespace Surge.Cluster.Tests;

/// <summary>
/// Two silos on a fake clock, for the tests of what happens when time passes (cache TTLs, retry backoffs, hold limits,
/// retention): they move <see cref="Clock"/> instead of sleeping, and assert times exactly. Tests of the "fake clock"
/// collection run one after another, so each sees only its own moves.
/// </summary>
public sealed class FakeClockFixture : IAsyncLifetime
{
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);

    /// <summary>Starts at the real time, so that what the cluster stamps reads like a date of today.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Autoscale:Enabled"] = "false",
        ["Surge:Policies:Types:square:Deterministic"] = "true",
        ["Surge:Policies:Types:square:CacheTtl"] = $"{CacheTtl}",
        ["Surge:Policies:Types:flaky:MaxAttempts"] = "3",
        ["Surge:Policies:Types:flaky:BackoffBase"] = $"{BackoffBase}",
        ["Surge:Policies:Types:flaky:BackoffMax"] = "00:00:02",
        ["Surge:Policies:Types:flaky:Jitter"] = "0",
        ["Surge:Entities:HoldLimit"] = $"{HoldLimit}",
        ["Surge:Tasks:Retention"] = $"{Retention}",
    }, Clock);

    public async Task DisposeAsync() => await Surge.DisposeAsync();
}

[CollectionDefinition("fake clock")]
public sealed class FakeClockCollection : ICollectionFixture<FakeClockFixture>;
