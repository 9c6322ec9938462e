using System.Text;
using Surge.Client;

namespace Surge.Cluster.Tests;

/// <summary>Results of a deterministic type ("square", cached 2 s) served from the cache, per handler version.</summary>
public class CacheTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    internal static TaskSpec Square(long n) => TaskSpec.Create(SquareHandler.TypeName, $$"""{"n":{{n}}}""");

    private static string Text(TaskStatus s) => Encoding.UTF8.GetString(s.Result.Span);

    [Fact]
    public async Task Cache_SamePayloadSameVersion_ServedWithoutRunning()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        var first = await _client.RunAsync(Square(n));
        var second = await _client.RunAsync(Square(n));
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(TaskState.Succeeded, second.State);
        Assert.Equal(Text(first), Text(second));
        Assert.Equal(1, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);
        Assert.False((await _client.RunAsync(Square(n + 1))).FromCache); // another payload is another key
    }

    [Fact]
    public async Task Cache_NewVersion_NeverServesTheOldVersionsResult()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        try
        {
            SquareHandler.CurrentVersion = "1";
            Assert.Contains("\"version\":\"1\"", Text(await _client.RunAsync(Square(n))));
            SquareHandler.CurrentVersion = "2";
            var v2 = await _client.RunAsync(Square(n));
            Assert.False(v2.FromCache);
            Assert.Contains("\"version\":\"2\"", Text(v2));
            Assert.True((await _client.RunAsync(Square(n))).FromCache);
            Assert.Equal(2, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);
        }
        finally
        {
            SquareHandler.CurrentVersion = "1";
        }
    }

    [Fact]
    public async Task Cache_EntityEvents_AlwaysRun()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        var entity = $"calc/{Guid.NewGuid():N}";
        await _client.RunAsync(Square(n).ForEntity(entity, "a"));
        Assert.False((await _client.RunAsync(Square(n).ForEntity(entity, "b"))).FromCache);
        Assert.Equal(2, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);
    }
}

/// <summary>The cache's TTL on the fake clock ("square" cached 2 s there too).</summary>
[Collection("fake clock")]
public class CacheTtlTests(FakeClockFixture fixture)
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Cache_PastTtl_RunsAgain()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        await _client.RunAsync(CacheTests.Square(n));

        fixture.Clock.Advance(FakeClockFixture.CacheTtl - TimeSpan.FromMilliseconds(1));
        Assert.True((await _client.RunAsync(CacheTests.Square(n))).FromCache); // still within its TTL
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False((await _client.RunAsync(CacheTests.Square(n))).FromCache);
        Assert.Equal(2, SquareHandler.Runs[$$"""{"n":{{n}}}"""]);
    }
}
