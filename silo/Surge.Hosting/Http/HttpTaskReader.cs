using System.Security.Claims;
using Surge.Security;

namespace Surge.Hosting;

/// <summary>
/// Who asks the HTTP task API, as its reads are scoped (<see cref="TaskReaders"/>): the name and role the <c>Surge</c>
/// scheme gave the caller; its role null when that scheme did not sign it in. <see cref="Of"/> is null while
/// <c>Surge:Http:Auth</c> sets no credential: every caller then reads every task, as every client is admin while
/// <c>Surge:Security</c> is off.
/// </summary>
internal readonly record struct HttpTaskReader(string? Name, SurgeRole? Role)
{
    /// <summary>
    /// What a task submitted over HTTP records as its submitter before the caller's name: an HTTP user or token is never
    /// taken for a gateway client of the same name, and the record says which door the task came through.
    /// </summary>
    public const string SubmitterPrefix = "http:";

    /// <summary>The name recorded on the tasks it submits (<see cref="TaskStatus.Submitter"/>).</summary>
    public string? Submitter => Name is null ? null : SubmitterPrefix + Name;

    public static HttpTaskReader? Of(ClaimsPrincipal user, HttpCredentials credentials)
    {
        if (!credentials.Enabled) return null;
        var identity = user.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == HttpAuthHandler.SchemeName);
        return new HttpTaskReader(identity?.Name, identity is null ? null : HttpRoleHandler.RoleOf(user));
    }

    /// <summary>True when it may see <paramref name="task"/>; one the scheme did not sign in sees none.</summary>
    public bool MayRead(TaskStatus task) => Role is { } role && TaskReaders.MayRead(role, Submitter, task);

    /// <summary>True when it sees only some tasks, so a wait is checked before it begins.</summary>
    public bool Scoped => Role is not { } role || role < TaskReaders.AnyTask;
}
