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
