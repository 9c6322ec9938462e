using Microsoft.AspNetCore.Authorization;

namespace Surge.Hosting;

/// <summary>
/// The policy on Surge's protected endpoints (<see cref="SurgeHttpExtensions.AuthorizationPolicy"/>): met by a caller
/// the <c>Surge</c> scheme authenticated, or by anyone while no credential is configured. Asked on every request, so a
/// reloaded configuration takes effect at once.
/// </summary>
internal sealed class HttpAccessRequirement : IAuthorizationRequirement;

internal sealed class HttpAccessHandler(HttpCredentialsSource credentials) : AuthorizationHandler<HttpAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, HttpAccessRequirement requirement)
    {
        if (!credentials.Current.Enabled || context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == HttpAuthHandler.SchemeName))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The policy on the status page's task pages, lists and actions (<see cref="SurgeHttpExtensions.OperatePolicy"/>):
/// a caller the <c>Surge</c> scheme authenticated with the role <see cref="SurgeRole.Operate"/> or above
/// (<see cref="HttpAuthOptions.Roles"/>), or anyone while no credential is configured (as every client is admin while
/// <c>Surge:Security</c> is off).
/// </summary>
internal sealed class HttpRoleRequirement(SurgeRole needed) : IAuthorizationRequirement
{
    public SurgeRole Needed => needed;
}

internal sealed class HttpRoleHandler(HttpCredentialsSource credentials) : AuthorizationHandler<HttpRoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, HttpRoleRequirement requirement)
    {
        if (!credentials.Current.Enabled || RoleOf(context.User) >= requirement.Needed) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    /// <summary>The role the <c>Surge</c> scheme gave the caller, or null.</summary>
    public static SurgeRole? RoleOf(System.Security.Claims.ClaimsPrincipal user)
        => user.Identities.Where(i => i.IsAuthenticated && i.AuthenticationType == HttpAuthHandler.SchemeName)
            .Select(i => i.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value)
            .Select(v => Enum.TryParse<SurgeRole>(v, out var role) ? role : (SurgeRole?)null).Max();
}
