using Microsoft.Extensions.Logging;

namespace Surge.Client.Security;

/// <summary>
/// Opens this client's session (<see cref="ISurgeSessionGrain"/>) once it has connected, before the host's start
/// returns, and renews it every <see cref="RenewEvery"/>: silos then know the client by its Orleans id, and its calls
/// carry no credentials.
/// </summary>
/// <remarks>
/// A session outlives a renewal that failed by several minutes (it lasts the proof's 10), so a renewal that fails is
/// logged and tried again at the next one; a first opening that fails fails the client's start, since every call that
/// needs a role would be refused. Both go through <paramref name="open"/>, which rides out a failover and retries a
/// store that refused, as every call of the client does.
/// </remarks>
internal sealed partial class ClientSession(ClientCredentials credentials, Func<SessionCredentials, CancellationToken, Task<SurgeSession>> open,
    TimeProvider time, ILogger<ClientSession> logger)
    : ILifecycleParticipant<IClusterClientLifecycle>, IDisposable
{
    internal static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);

    private ITimer? _timer;

    public void Participate(IClusterClientLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ClientSession), ServiceLifecycleStage.Active, OpenAsync, _ => { Dispose(); return Task.CompletedTask; });

    /// <summary>Opens the session, or renews it: who the silos take this client for.</summary>
    public Task<SurgeSession> RenewAsync(CancellationToken cancellationToken = default) => open(credentials.Current(), cancellationToken);

    internal async Task OpenAsync(CancellationToken cancellationToken)
    {
        var session = await RenewAsync(cancellationToken).WaitAsync(cancellationToken);
        if (session.Role is null) LogNoRole(logger, session.Reason);
        else LogOpened(logger, session.Name ?? "(unnamed)", session.Role.Value);
        _timer = time.CreateTimer(_ => _ = RenewQuietlyAsync(), null, RenewEvery, RenewEvery);
    }

    private async Task RenewQuietlyAsync()
    {
        try
        {
            await RenewAsync();
        }
        catch (Exception ex)
        {
            LogRenewFailed(logger, ex);
        }
    }

    public void Dispose() => _timer?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Surge session opened as {Name}, role {Role}")]
    private static partial void LogOpened(ILogger logger, string name, SurgeRole role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Surge session opened with no role ({Reason}): every call that needs one will be refused")]
    private static partial void LogNoRole(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the Surge session failed; trying again in a minute")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);
}
