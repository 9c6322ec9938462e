using Microsoft.Extensions.Time.Testing;
using Surge.Client;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// The result cache while the store refuses its writes ("square" cached 2 s, on a fake clock): a result whose entry
/// was refused is not served, and neither a refused entry nor a refused clear of an expired one fails a task.
/// </summary>
public class CacheStorageFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SurgeCluster _surge = null!;

    private ISurgeClient Client => _surge.Client;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            [$"Surge:Policies:Types:{SquareHandler.TypeName}:Deterministic"] = "true",
            [$"Surge:Policies:Types:{SquareHandler.TypeName}:CacheTtl"] = Ttl.ToString(),
            ["Surge:Autoscale:Enabled"] = "false",
        }, _clock, b => b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForCache>());

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.FailWrites = false;
        await _surge.DisposeAsync();
    }

    [Fact]
    public async Task Run_StoreRefusesTheEntry_TaskSucceedsAndItsResultIsNotServed()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        FaultyGrainStorage.FailWrites = true;
        var first = await Client.RunAsync(CacheTests.Square(n));
        Assert.Equal(TaskState.Succeeded, first.State); // its own record holds the result
        var second = await Client.RunAsync(CacheTests.Square(n));
        Assert.Equal((TaskState.Succeeded, false), (second.State, second.FromCache)); // not stored, so not served
        Assert.Equal(2, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);

        FaultyGrainStorage.FailWrites = false;
        Assert.False((await Client.RunAsync(CacheTests.Square(n))).FromCache);
        Assert.True((await Client.RunAsync(CacheTests.Square(n))).FromCache); // stored this time
        Assert.Equal(3, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);
    }

    [Fact]
    public async Task Run_ExpiredEntryWhoseClearIsRefused_RunsAgainAndSucceeds()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        await Client.RunAsync(CacheTests.Square(n));
        Assert.True((await Client.RunAsync(CacheTests.Square(n))).FromCache);

        _clock.Advance(Ttl);
        FaultyGrainStorage.FailWrites = true;
        var again = await Client.RunAsync(CacheTests.Square(n));
        Assert.Equal((TaskState.Succeeded, false), (again.State, again.FromCache));
        Assert.Equal(2, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);
    }
}
