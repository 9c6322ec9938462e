using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Hosting;
using Surge.Hosting.Redis;

namespace Surge.Tests;

/// <summary>How a silo host ends when Redis never came: one line and exit 1, in a host of the user's own as in the stock silo.</summary>
public class SurgeRunTests
{
    [Fact]
    public async Task RunSurgeAsync_StartFailsWithRedisAway_ReturnsOneAndSaysTheReason()
    {
        // As Orleans throws it: the connection's exception wrapped in the silo's start failure.
        var wrapped = new InvalidOperationException("silo start failed",
            new RedisStartupException("Redis at 127.0.0.1:1 could not be reached for membership within Surge:Redis:StartupTimeout (00:00:03)", new TimeoutException()));
        var error = new StringWriter();

        var code = await new FailingHost(wrapped).RunSurgeAsync(error);

        Assert.Equal(1, code);
        Assert.Equal("surge silo: Redis at 127.0.0.1:1 could not be reached for membership within Surge:Redis:StartupTimeout (00:00:03)", error.ToString().Trim());
    }

    // A value the configuration binder cannot convert (a word for a duration, a number or an enum) was an unhandled
    // exception: a trace of some 50 lines and an abort (exit 134), the setting's name buried in its first line.
    [Theory]
    [InlineData("Surge:Tasks:Retention", "banana", "a duration such as 00:05:00")]
    [InlineData("Surge:Tasks:MaxCrashRecoveries", "lots", "a whole number")]
    [InlineData("Surge:Routing:Mode", "fastest", "one of Predicted, Type, Single, Oracle")]
    public async Task RunSurgeAsync_SettingNotOfItsType_ReturnsOneNamingTheSettingAndWhatToWrite(string key, string value, string fix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        // As the options' binding throws it while the silo starts.
        var failure = Assert.Throws<InvalidOperationException>(() => key.StartsWith("Surge:Routing", StringComparison.Ordinal)
            ? configuration.GetSection(Surge.Routing.RoutingOptions.Section).Get<Surge.Routing.RoutingOptions>()
            : (object?)configuration.GetSection(Surge.Tasks.TaskOptions.Section).Get<Surge.Tasks.TaskOptions>());
        var error = new StringWriter();

        var code = await new FailingHost(failure).RunSurgeAsync(error);

        Assert.Equal(1, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"surge silo: {key} is '{value}'", line);
        Assert.Contains(fix, line);
    }

    [Fact]
    public async Task RunSurgeAsync_OtherStartFailure_Throws()
    {
        var failure = new InvalidOperationException("a handler's constructor threw");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new FailingHost(failure).RunSurgeAsync(TextWriter.Null));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task RunSurgeAsync_HostStops_ReturnsZero()
        => Assert.Equal(0, await new FailingHost(null).RunSurgeAsync(TextWriter.Null));

    /// <summary>A host whose start throws <paramref name="failure"/>, or that stops at once when it is null.</summary>
    private sealed class FailingHost(Exception? failure) : IHost, IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopped = new();
        private ServiceProvider? _services;

        public IServiceProvider Services => _services ??= new ServiceCollection().AddSingleton<IHostApplicationLifetime>(this).BuildServiceProvider();

        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopped.Token;
        public CancellationToken ApplicationStopped => _stopped.Token;

        public void StopApplication() => _stopped.Cancel();

        public Task StartAsync(CancellationToken cancellationToken = default)
        {
            if (failure is not null) return Task.FromException(failure);
            _stopped.Cancel(); // nothing to run: the host stops as soon as it started
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void Dispose()
        {
            _services?.Dispose();
            _stopped.Dispose();
        }
    }
}
