using Microsoft.Extensions.DependencyInjection;
using Surge.Security;

namespace Surge.Hosting;

/// <summary>Registers the access filter that guards every silo against clients.</summary>
public static class SurgeSecurityExtensions
{
    /// <summary>
    /// The access filter on every grain call from a client (<c>Surge:Security</c>): internal interfaces refused always,
    /// public ones by the caller's role while security is on. Safe to call again: a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddSurgeSecurity(this IServiceCollection services)
    {
        if (!Registration.First<SecurityRegistered>(services)) return services;
        Registration.AddOptions<SecurityOptions>(services, SecurityOptions.Section);
        Registration.AddValidator<SecurityOptions, SecurityOptionsValidator>(services);
        services.AddSingleton<ClientIdentities>();
        services.AddSingleton(sp => new ClientSessions(sp.GetRequiredService<ClientIdentities>(), sp.GetRequiredService<IGrainFactory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IIncomingGrainCallFilter, ClientAccessFilter>();
        return services;
    }

    private sealed class SecurityRegistered;
}
