using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Surge.Hosting;

/// <summary>
/// Settings read as the host is built, to configure Orleans and Kestrel before the host exists (ports, cluster ids,
/// drain, the silo's group, TLS). A value there that the binder cannot convert (<c>Surge:Ports:Http=eighty</c>) threw
/// from <c>AddSurgeSilo</c> in Program.cs, where nothing reports it: an unhandled exception, a trace and an abort. It
/// fails the start instead, with the other settings' failures (<c>RunSurgeAsync</c>: a line naming the key and what to
/// write, exit 1), which comes before any hosted service starts, so the defaults standing in until then are never served.
/// </summary>
internal static class EarlySettings
{
    public static T Read<T>(IConfiguration configuration, IServiceCollection services, string section) where T : class, new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e) when (NotConvertible(e) is { } line)
        {
            services.AddOptions<UnreadableSetting>(section).Validate(_ => false, line).ValidateOnStart();
            return new T();
        }
    }

    // The binder's message (Microsoft.Extensions.Configuration's own resource, in English).
    private static readonly Regex BinderFailure = new(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'",
        RegexOptions.Singleline | RegexOptions.CultureInvariant);

    /// <summary>
    /// A value the configuration binder could not convert to its setting's type, anywhere in <paramref name="e"/>'s
    /// chain, as a line naming the setting, the value and what to write instead; null when it is not such a failure.
    /// </summary>
    public static string? NotConvertible(Exception e)
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

    /// <summary>Stands for a section that could not be read: its named options fail validation at start.</summary>
    private sealed class UnreadableSetting;
}
