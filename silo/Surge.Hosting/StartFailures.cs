using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Surge.Hosting.Redis;

namespace Surge.Hosting;

/// <summary>
/// Why a silo's start failed, when it is something the operator fixes (a setting, Redis away, a port taken): a line
/// each, naming the setting, for <see cref="SurgeRunExtensions.RunSurgeAsync"/> and the CLI's embedded silo to print
/// instead of a trace. Empty for anything else, which stays an exception with its trace.
/// </summary>
internal static class StartFailures
{
    /// <summary>The lines for <paramref name="e"/>; <paramref name="ports"/>: the ports the silo asked for (<see cref="Ports"/>).</summary>
    public static List<string> Lines(Exception e, PortOptions? ports)
    {
        if (RedisStartupException.In(e) is { } unreachable) return [unreachable.Message];
        var settings = SurgeRunExtensions.SettingFailures(e);
        if (settings.Count > 0) return settings;
        return PortInUse(e) is { } taken ? [PortsLine(taken, ports ?? new PortOptions())] : [];
    }

    /// <summary>
    /// The ports <paramref name="services"/> (a host's) asks for, read before the host runs: a host that failed to
    /// start may be disposed by the time its failure is caught (RunAsync disposes it). Null when they cannot be read;
    /// the start then says why.
    /// </summary>
    public static PortOptions? Ports(IServiceProvider services)
    {
        try
        {
            return services.GetService<IOptions<PortOptions>>()?.Value;
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>Whether <see cref="Lines"/> says why <paramref name="e"/> happened, so its trace can stay at Debug.</summary>
    public static bool AreSaid(Exception e) => RedisStartupException.In(e) is not null || SurgeRunExtensions.SettingFailures(e).Count > 0 || PortInUse(e) is not null;

    // Orleans' listeners throw AddressInUseException, Kestrel an IOException naming the address; both wrap the socket's
    // refusal. The outermost exception of that chain is the one whose message says most.
    private static Exception? PortInUse(Exception? e) => e switch
    {
        null => null,
        AggregateException all => all.InnerExceptions.Select(PortInUse).FirstOrDefault(f => f is not null),
        _ when Chain(e).Any(i => i is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) => e,
        _ => null,
    };

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? i = e; i is not null; i = i.InnerException) yield return i;
    }

    // Orleans does not say which of its endpoints failed to bind, so the line names every port this silo asked for.
    private static string PortsLine(Exception taken, PortOptions ports)
    {
        var http = ports.Http == 0 ? "0 (off)" : $"{ports.Http}";
        var detail = taken.Message.Contains(':') ? $" ({taken.Message.TrimEnd('.')})" : ""; // Kestrel's names the address
        return $"{PortOptions.Section}: a port this silo listens on is in use{detail}; it asked for Surge:Ports:Silo {ports.Silo}, "
            + $"Surge:Ports:Gateway {ports.Gateway} and Surge:Ports:Http {http}. Stop what holds it, or give this silo free ports "
            + "(Surge:Ports:Http=0 turns HTTP off).";
    }
}
