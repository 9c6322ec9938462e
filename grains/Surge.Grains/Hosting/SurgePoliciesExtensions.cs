using Microsoft.Extensions.DependencyInjection;
using Surge.Policies;
using Surge.Tasks;

namespace Surge.Hosting;

internal static class SurgePoliciesExtensions
{
    /// <summary>
    /// <c>Surge:Policies</c> (retries, time limits, caps, caching per type), which tasks and caps both read: registered
    /// by whichever comes first, once, so its lists are bound and its problems reported once.
    /// </summary>
    public static IServiceCollection AddSurgePolicies(this IServiceCollection services)
    {
        if (!Registration.First<PoliciesRegistered>(services)) return services;
        Registration.AddOptions<TaskPoliciesOptions>(services, TaskPoliciesOptions.Section);
        Registration.AddValidator<TaskPoliciesOptions, TaskPoliciesOptionsValidator>(services);
        return services;
    }

    private sealed class PoliciesRegistered;
}
