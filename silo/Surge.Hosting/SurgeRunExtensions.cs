using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>Runs a silo's host the way an operator expects a worker to end: a reason and an exit code, not a trace.</summary>
public static class SurgeRunExtensions
{
    /// <summary>
    /// Runs <paramref name="host"/> until it stops, and returns the process's exit code: 0 when it stopped (also when it
    /// was stopped while starting), 1 when Redis stayed unreachable for <c>Surge:Redis:StartupTimeout</c> as it started,
    /// when its settings failed their checks (said on stderr, a line per failure, naming the setting) or one could not
    /// be read as its type (a word for a duration or a number: a line naming it and what to write), or when a port it
    /// listens on was in use (a line naming its <c>Surge:Ports</c>). The host's and Orleans' own reports of these, with the trace, are logged at Debug (a
    /// silo built with <c>AddSurgeSilo</c>). Any other failure is thrown as before. Use it as the last line of a silo's
    /// <c>Program.cs</c>:
    /// <c>return await app.RunSurgeAsync();</c>
    /// </summary>
    public static async Task<int> RunSurgeAsync(this IHost host, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var ports = StartFailures.Ports(host.Services);
        var lifetime = host.Services.GetService<IHostApplicationLifetime>();
        try
        {
            // Surge's settings first: Orleans checks what they set it to (a port of 0) before the host's start-time
            // validation runs, and names its own API where the operator needs the Surge key.
            CheckSettings(host);
            await host.RunAsync();
            return 0;
        }
        catch (OperationCanceledException) when (lifetime?.ApplicationStopping.IsCancellationRequested == true)
        {
            // Stopped (SIGTERM) while it started, say while it waited for Redis: the start was given up, as asked.
            // Unhandled, the cancellation ended the process as an abort (exit 134) after a trace.
            (error ?? Console.Error).WriteLine("surge silo: stopped while it was starting");
            return 0;
        }
        catch (Exception e) when (StartFailures.Lines(e, ports) is { Count: > 0 } lines)
        {
            // Unhandled, each would end the process as an abort (exit 134) after a trace that hides the reason.
            var output = error ?? Console.Error;
            foreach (var line in lines) output.WriteLine($"surge silo: {line}");
            return 1;
        }
    }

    /// <summary>
    /// Runs the host's start-time validation of settings now, before Orleans checks what they set it to, so that a bad
    /// value is named by its Surge key; disposes the host when it throws. The CLI's embedded silo starts the same way.
    /// </summary>
    internal static void CheckSettings(IHost host)
    {
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch
        {
            host.Dispose(); // RunAsync would have, on its way out
            throw;
        }
    }

    /// <summary>
    /// What the settings' checks found in <paramref name="e"/>, a line each naming the setting and the fix: a value the
    /// configuration binder could not convert (unhandled, an abort after a trace of some 50 lines), or the validators'
    /// failures. Empty when anything else failed. The CLI reports its client's and embedded silo's settings the same way.
    /// </summary>
    internal static List<string> SettingFailures(Exception e)
        => EarlySettings.NotConvertible(e) is { } setting ? [setting] : [.. Failures(e).Distinct(StringComparer.Ordinal)]; // a section read twice fails twice

    // What the settings' checks found: one options type fails as itself; several, as an AggregateException of each
    // (the host's start-time validation). Empty when anything else failed.
    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        OrleansConfigurationException orleans => [orleans.Message], // Orleans' own checks, which run first
        AggregateException all when all.InnerExceptions.All(i => i is OptionsValidationException) => [.. all.InnerExceptions.SelectMany(Failures)],
        _ => [],
    };
}
