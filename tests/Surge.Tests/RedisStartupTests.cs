using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Surge.Hosting.Redis;

namespace Surge.Tests;

/// <summary>
/// Surge:Redis:StartupTimeout bounds the whole wait of a starting silo for Redis: an attempt that outlasts it (a
/// connect timeout, a held write) and a wait inside another's attempt (Orleans' membership table connects inside its
/// first write, and tries again itself) end by the deadline too.
/// </summary>
public class RedisStartupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();

    private Task<bool> UntilAnsweredAsync(Func<TimeSpan, Task<bool>> attempt, string what = "membership")
        => RedisStartup.UntilAnsweredAsync(attempt, "127.0.0.1:6379", what, Limit, _time, _logger);

    [Fact]
    public async Task UntilAnsweredAsync_AttemptNeverAnswers_FailsByTheStartupTimeout()
    {
        var silent = new TaskCompletionSource<bool>(); // a connection that neither opens nor fails

        var (failure, took) = await FailureAsync(UntilAnsweredAsync(_ => silent.Task));

        Assert.Contains("Surge:Redis:StartupTimeout", failure.Message);
        Assert.Contains("no answer within 10.5 s", failure.Message);
        Assert.InRange(took, Limit, Limit + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task UntilAnsweredAsync_AttemptsGivenTheTimeLeft_NoneOutlastsTheDeadline()
    {
        var given = new List<TimeSpan>();
        // Each attempt fails as a connect does after its timeout, here the time it was given.
        var (_, took) = await FailureAsync(UntilAnsweredAsync(async within =>
        {
            given.Add(within);
            await Task.Delay(within, _time);
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s).");
        }));

        Assert.Equal(Limit, given[0]);
        Assert.All(given.Skip(1), within => Assert.True(within < Limit, $"{within} given after the first attempt"));
        Assert.InRange(took, Limit, Limit + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task UntilAnsweredAsync_WaitsInsideAnothersAttemptTwice_AllEndByTheOuterDeadline()
    {
        var refused = () => Task.FromException<bool>(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "refused"));
        // As Orleans' membership table does: its first write connects (a wait of its own) and, failing, tries once more.
        var (failure, took) = await FailureAsync(UntilAnsweredAsync(async _ =>
        {
            try
            {
                return await UntilAnsweredAsync(_ => refused(), "membership connection");
            }
            catch (RedisStartupException)
            {
                return await UntilAnsweredAsync(_ => refused(), "membership connection");
            }
        }));

        Assert.Contains("membership connection", failure.Message);
        Assert.InRange(took, Limit - TimeSpan.FromSeconds(5), Limit + TimeSpan.FromSeconds(1)); // one deadline, not two
    }

    // Moves the fake clock on while the call waits, for at most three limits; the failure and the fake time it took.
    private async Task<(RedisStartupException Failure, TimeSpan Took)> FailureAsync(Task call)
    {
        var started = _time.GetUtcNow();
        while (!call.IsCompleted && _time.GetUtcNow() - started < 3 * Limit)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }
        Assert.True(call.IsCompleted, $"still waiting after {3 * Limit} of fake time");
        return (await Assert.ThrowsAsync<RedisStartupException>(() => call), _time.GetUtcNow() - started);
    }
}
