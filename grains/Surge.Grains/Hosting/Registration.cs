using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>What every feature registration does the same way: register once, bind options, validate at start-up.</summary>
internal static class Registration
{
    /// <summary>
    /// True the first time a feature (named by its marker type) registers on these services; false after, so a second
    /// call of the same registration adds nothing. The marker stays in the collection as the proof.
    /// </summary>
    public static bool First<TMarker>(IServiceCollection services) where TMarker : class, new()
    {
        if (services.Any(d => d.ServiceType == typeof(TMarker))) return false;
        services.AddSingleton(new TMarker());
        return true;
    }

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it when the host starts.</summary>
    public static void AddOptions<T>(IServiceCollection services, string section) where T : class
        => services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();

    /// <summary>Binds a section whose children are the entries of a dictionary (one per type or name), not properties.</summary>
    public static void AddEntryOptions<T, TEntry>(IServiceCollection services, string section, Func<T, Dictionary<string, TEntry>> entries) where T : class
        => services.AddOptions<T>().Configure<IConfiguration>((o, c) => c.GetSection(section).Bind(entries(o))).ValidateOnStart();

    public static void AddValidator<T, TValidator>(IServiceCollection services) where T : class where TValidator : class, IValidateOptions<T>
        => services.AddSingleton<IValidateOptions<T>, TValidator>();
}
