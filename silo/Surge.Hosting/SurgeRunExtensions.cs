using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Surge.Hosting.Redis;

namespace Surge.Hosting;

/// <summary>Runs a silo's host the way an operator expects a worker to end: a reason and an exit code, not a trace.</summary>
public static class SurgeRunExtensions
{
    /// <summary>
    /// Runs <paramref name="host"/> until it stops, and returns the process's exit code: 0 when it stopped, 1 when Redis
    /// stayed unreachable for <c>Surge:Redis:StartupTimeout</c> as it started, or when its settings failed their checks
    /// (said on stderr, a line per failure, naming the setting) or one could not be read as its type (a word for a
    /// duration or a number: a line naming it and what to write). Any other failure is thrown as before. Use it as the
    /// last line of a silo's <c>Program.cs</c>:
    /// <c>return await app.RunSurgeAsync();</c>
    /// </summary>
    public static async Task<int> RunSurgeAsync(this IHost host, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception e) when (RedisStartupException.In(e) is { } unreachable)
        {
            // Unhandled, it would end the process as an abort (exit 134) after a trace that hides the reason.
            (error ?? Console.Error).WriteLine($"surge silo: {unreachable.Message}");
            return 1;
        }
        catch (Exception e) when (NotConvertible(e) is { } setting)
        {
            // The configuration binder's refusal, thrown as an options type is first read: unhandled, it ended the
            // process as an abort (exit 134) after a trace of some 50 lines.
            (error ?? Console.Error).WriteLine($"surge silo: {setting}");
            return 1;
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            // Settings checked as the host starts: every failure, each naming its setting and the fix, and no trace.
            var output = error ?? Console.Error;
            foreach (var failure in failures) output.WriteLine($"surge silo: {failure}");
            return 1;
        }
    }

    // What the settings' checks found: one options type fails as itself; several, as an AggregateException of each
    // (the host's start-time validation). Empty when anything else failed.
    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        OrleansConfigurationException orleans => [orleans.Message], // Orleans' own checks, which run first
        AggregateException all when all.InnerExceptions.All(i => i is OptionsValidationException) => [.. all.InnerExceptions.SelectMany(Failures)],
        _ => [],
    };

    // The binder's message (Microsoft.Extensions.Configuration's own resource, in English).
    private static readonly Regex BinderFailure = new(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'",
        RegexOptions.Singleline | RegexOptions.CultureInvariant);

    /// <summary>
    /// A value the configuration binder could not convert to its setting's type, anywhere in <paramref name="e"/>'s
    /// chain, as a line naming the setting, the value and what to write instead; null when it is not such a failure.
    /// </summary>
    internal static string? NotConvertible(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is not InvalidOperationException || BinderFailure.Match(x.Message) is not { Success: true } match) continue;
            var (key, value, type) = (match.Groups["key"].Value, match.Groups["value"].Value, match.Groups["type"].Value);
            return $"{key} is '{value}'; write {WhatToWrite(type)}.";
        }
        return null;
    }

    private static string WhatToWrite(string type)
    {
        if (type.Contains("System.TimeSpan", StringComparison.Ordinal)) return "a duration such as 00:05:00 ([d.]hh:mm:ss)";
        if (type.Contains("System.Boolean", StringComparison.Ordinal)) return "true or false";
        if (Regex.IsMatch(type, @"System\.U?Int(16|32|64)\b")) return "a whole number, such as 8";
        if (Regex.IsMatch(type, @"System\.(Double|Single|Decimal)\b")) return "a number, such as 0.5";
        var named = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(type, throwOnError: false)).FirstOrDefault(t => t is not null);
        return named is { IsEnum: true } ? $"one of {string.Join(", ", Enum.GetNames(named))}" : $"a value of type {type}";
    }
}
