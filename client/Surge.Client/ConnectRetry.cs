using Microsoft.Extensions.Options;

namespace Surge.Client;

/// <summary>
/// How long a client keeps trying to open its connection to the cluster (<see cref="SurgeClientOptions.ConnectTimeout"/>),
/// and what it says when it gives up. Orleans' own filter tries 15 times, 1.5 s longer each time (three minutes), and
/// ends with "Unable to connect to any of the 1 available gateways", which names neither the setting nor the usual
/// cause: a cluster with TLS and a client without its certificate, whose every attempt the gateway drops.
/// </summary>
internal sealed class ConnectRetry : IClientConnectionRetryFilter
{
    /// <summary>The first pause after a failed attempt; it doubles up to <see cref="MaxPause"/>.</summary>
    internal static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest pause: a silo that comes up is found at most this late.</summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(4);

    private readonly TimeSpan _within;
    private readonly string _where;
    private readonly bool _tls;
    private readonly TimeProvider _time;
    private readonly long _started; // Orleans asks for the filter as its client starts: the budget counts from then
    private TimeSpan _pause = TimeSpan.Zero;

    public ConnectRetry(TimeSpan within, string where, bool tls, TimeProvider time)
    {
        _within = within;
        _where = where;
        _tls = tls;
        _time = time;
        _started = time.GetTimestamp();
    }

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        // A setting the client was given wrong fails the same way every time: said at once, as Orleans says it.
        if (exception is ArgumentException or OptionsValidationException or NotSupportedException or ObjectDisposedException) return false;
        var left = _within - _time.GetElapsedTime(_started);
        if (left <= TimeSpan.Zero) throw new SurgeUnavailableException(Message(_where, _within, _tls, exception), exception);
        _pause = _pause == TimeSpan.Zero ? FirstPause : TimeSpan.FromTicks(Math.Min(_pause.Ticks * 2, MaxPause.Ticks));
        // The last attempt is made at the deadline, so one that would succeed then is not given up a pause early.
        await Task.Delay(_pause < left ? _pause : left, _time, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>What a client that could not connect says: where it looked, for how long, the last failure, what to check.</summary>
    internal static string Message(string where, TimeSpan within, bool tls, Exception last)
        => $"Cannot connect to the Surge cluster ({where}) within {within.TotalSeconds:0.#} s ({SurgeClientOptions.Section}:ConnectTimeout); "
            + $"the last attempt: {last.GetBaseException().Message.TrimEnd('.')}. Check that a silo is running and its gateway port is reachable from here. "
            + (tls
                ? $"This client uses TLS ({SurgeClientOptions.Section}:Tls): the silos must too (Surge:Tls), and trust the CA that signed its certificate."
                : $"If the cluster uses TLS, give this client its certificate: {SurgeClientOptions.Section}:Tls:Directory (a directory with tls.crt, tls.key and ca.crt).");
}
