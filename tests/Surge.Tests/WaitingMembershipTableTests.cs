using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Surge.Hosting.Redis;

namespace Surge.Tests;

/// <summary>
/// A starting silo's first membership write, which a Redis that takes connections but holds writes (paused in a
/// failover, or stalled) times out: tried again as the connection is, until Surge:Redis:StartupTimeout.
/// </summary>
public class WaitingMembershipTableTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();

    private WaitingMembershipTable Over(HoldingTable inner)
        => new(inner, attempt => RedisStartup.UntilAnsweredAsync(async () =>
        {
            await attempt();
            return true;
        }, "127.0.0.1:6379", "membership", Limit, _time, _logger));

    [Fact]
    public async Task InitializeMembershipTable_RedisHoldsTheFirstTwoWrites_TriedAgainUntilItAnswers()
    {
        var inner = new HoldingTable(timeouts: 2);

        await RunAsync(Over(inner).InitializeMembershipTableAsync(tryInitTableVersion: true));

        Assert.Equal(3, inner.Initializations);
        Assert.Equal(2, _logger.Collector.GetSnapshot().Count(r => r.Message.Contains("trying again", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task InitializeMembershipTable_RedisNeverAnswers_FailsNamingTheStartupTimeout()
    {
        var inner = new HoldingTable(timeouts: int.MaxValue);

        var failure = await Assert.ThrowsAsync<RedisStartupException>(() => RunAsync(Over(inner).InitializeMembershipTableAsync(tryInitTableVersion: true)));

        Assert.Contains("membership", failure.Message);
        Assert.Contains("Surge:Redis:StartupTimeout", failure.Message);
        Assert.IsType<RedisTimeoutException>(failure.InnerException);
    }

    // Moves the fake clock on while the call waits between tries.
    private async Task RunAsync(Task call)
    {
        while (!call.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1);
        }
        await call;
    }

    /// <summary>A table whose initialization times out the first <c>timeouts</c> times, as Orleans' Redis table does on a Redis holding its writes.</summary>
    private sealed class HoldingTable(int timeouts) : IMembershipTable
    {
        public int Initializations { get; private set; }

        public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
            => ++Initializations <= timeouts
                ? Task.FromException(new RedisTimeoutException("Timeout awaiting response, command=HSETNX", CommandStatus.Sent))
                : Task.CompletedTask;

        public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);
        public Task DeleteMembershipTableEntries(string clusterId) => throw new NotSupportedException();
        public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => throw new NotSupportedException();
        public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<MembershipTableData> ReadRow(SiloAddress key) => throw new NotSupportedException();
        public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<MembershipTableData> ReadAll() => throw new NotSupportedException();
        public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => throw new NotSupportedException();
        public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => throw new NotSupportedException();
        public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task UpdateIAmAlive(MembershipEntry entry) => throw new NotSupportedException();
        public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
