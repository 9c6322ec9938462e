using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Messaging;
using Surge.Client;

namespace Surge.Tests;

/// <summary>How long a starting client tries to connect, and what it says when it gives up. A fake clock; no sockets.</summary>
public class ConnectRetryTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private static readonly ConnectionFailedException Refused = new("Unable to connect to S127.0.0.1:30000:0");

    [Fact]
    public async Task ShouldRetry_BeforeTheDeadline_PausesLongerEachTimeThenRetries()
    {
        var retry = new ConnectRetry(Within, "gateway 127.0.0.1:30000", tls: false, _time);
        foreach (var pause in new[] { ConnectRetry.FirstPause, ConnectRetry.FirstPause * 2, ConnectRetry.FirstPause * 4, ConnectRetry.MaxPause })
            await PausesAsync(retry, pause);
    }

    [Fact]
    public async Task ShouldRetry_PastTheDeadline_ThrowsNamingWhereTheSettingTheLastErrorAndTls()
    {
        var retry = new ConnectRetry(Within, "gateway 127.0.0.1:30000", tls: false, _time);
        foreach (var pause in new[] { 0.5, 1, 2, 4, 2.5 }) await PausesAsync(retry, TimeSpan.FromSeconds(pause)); // 10 s in all

        var e = await Assert.ThrowsAsync<SurgeUnavailableException>(() => retry.ShouldRetryConnectionAttempt(Refused, CancellationToken.None));
        Assert.Same(Refused, e.InnerException);
        Assert.Contains("gateway 127.0.0.1:30000", e.Message);
        Assert.Contains("within 10 s (Surge:Client:ConnectTimeout)", e.Message);
        Assert.Contains(Refused.Message, e.Message);
        Assert.Contains("Surge:Client:Tls:Directory", e.Message);
    }

    [Fact]
    public async Task ShouldRetry_TheLastPause_EndsAtTheDeadlineSoOneAttemptIsMadeThere()
    {
        var retry = new ConnectRetry(TimeSpan.FromSeconds(1.2), "gateway 127.0.0.1:30000", tls: false, _time);
        await PausesAsync(retry, ConnectRetry.FirstPause);
        await PausesAsync(retry, TimeSpan.FromSeconds(0.7)); // 1 s would have been due; 0.7 s were left
        await Assert.ThrowsAsync<SurgeUnavailableException>(() => retry.ShouldRetryConnectionAttempt(Refused, CancellationToken.None));
    }

    [Theory]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(NotSupportedException))]
    public async Task ShouldRetry_ASettingGivenWrong_IsNotTriedAgain(Type kind)
    {
        var retry = new ConnectRetry(Within, "gateway 127.0.0.1:30000", tls: false, _time);
        Assert.False(await retry.ShouldRetryConnectionAttempt((Exception)Activator.CreateInstance(kind, "wrong")!, CancellationToken.None));
        Assert.False(await retry.ShouldRetryConnectionAttempt(new OptionsValidationException("x", typeof(object), ["wrong"]), CancellationToken.None));
    }

    [Fact]
    public void Message_ClientWithTls_SaysTheSilosMustUseItToo()
    {
        var message = ConnectRetry.Message("gateways from Redis membership", Within, tls: true, Refused);
        Assert.Contains("Surge:Tls", message);
        Assert.DoesNotContain("give this client its certificate", message);
    }

    [Fact]
    public void Validate_ConnectTimeoutOutOfRange_NamesTheKeyAndTheRange()
    {
        var result = new SurgeClientOptionsValidator().Validate(null, new SurgeClientOptions { ConnectTimeout = TimeSpan.Zero });
        Assert.Contains("Surge:Client:ConnectTimeout is 00:00:00; set 00:00:01 to 01:00:00", result.FailureMessage);
    }

    // One "try again?" answers yes after exactly `pause` on the fake clock, and not before.
    private async Task PausesAsync(ConnectRetry retry, TimeSpan pause)
    {
        var asked = retry.ShouldRetryConnectionAttempt(Refused, CancellationToken.None);
        _time.Advance(pause - TimeSpan.FromTicks(1));
        Assert.False(asked.IsCompleted, $"answered before its pause of {pause}");
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(await asked.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
