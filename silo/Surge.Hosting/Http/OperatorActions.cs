using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Surge.Client;

namespace Surge.Hosting;

/// <summary>
/// What an operator may do from the status page: retry and purge a dead letter, cancel a task, trigger a schedule now,
/// pause and resume it. POSTs in one route group (<c>/surge/actions</c>), returned so a host can add its own
/// <c>.RequireAuthorization(…)</c>; Surge's own is <see cref="SurgeHttpExtensions.OperatePolicy"/>. Each is logged
/// with who did it.
/// </summary>
/// <remarks>
/// Cross-site requests are refused: every action needs the <see cref="ConfirmHeader"/> header, which a page of another
/// origin cannot send without a CORS preflight that this silo never answers, and a request whose <c>Origin</c> (or
/// <c>Sec-Fetch-Site</c>) says it comes from elsewhere is refused. Basic credentials a browser remembers are therefore
/// of no use to another site.
/// </remarks>
public static partial class OperatorActions
{
    /// <summary>The header every action needs (any value): proof the request comes from a page of this origin or a script.</summary>
    public const string ConfirmHeader = "X-Surge-Action";

    /// <summary>Maps the actions under <c>/surge/actions</c>.</summary>
    public static RouteGroupBuilder MapSurgeActions(this IEndpointRouteBuilder endpoints)
    {
        var actions = endpoints.MapGroup("/surge/actions").ExcludeFromDescription().AddEndpointFilter(RefuseCrossSite);
        actions.MapPost("tasks/{id}/cancel", (string id, HttpContext http, ISurgeClient surge, CancellationToken ct) => Act(http, "cancel", "id", id,
            async id => await surge.CancelAsync(id, ct) is { } s ? Results.Json(new { id, state = s.State.ToString() }) : NotFound($"no task '{id}'")));
        actions.MapPost("dead-letters/{id}/retry", (string id, HttpContext http, ISurgeClient surge, CancellationToken ct) => Act(http, "retry", "id", id,
            async id => await surge.RetryDeadLetterAsync(id, ct) is { } s ? Results.Json(new { id, state = s.State.ToString(), attempts = s.Attempts }) : NotFound($"no task '{id}'")));
        actions.MapPost("dead-letters/{id}/purge", (string id, HttpContext http, ISurgeClient surge, CancellationToken ct) => Act(http, "purge", "id", id,
            async id => await surge.PurgeDeadLettersAsync(id, ct) is var n and > 0 ? Results.Json(new { id, purged = n }) : NotFound($"no dead letter '{id}'")));
        actions.MapPost("schedules/{name}/trigger", (string name, HttpContext http, IGrainFactory grains) => Act(http, "trigger", "name", name,
            async name => await grains.GetGrain<IScheduleGrain>(name).TriggerAsync() is { } id ? Results.Json(new { name, id }) : NotFound($"no schedule '{name}'")));
        actions.MapPost("schedules/{name}/pause", (string name, HttpContext http, IGrainFactory grains) => Pause(http, grains, name, paused: true));
        actions.MapPost("schedules/{name}/resume", (string name, HttpContext http, IGrainFactory grains) => Pause(http, grains, name, paused: false));
        return actions;
    }

    private static Task<IResult> Pause(HttpContext http, IGrainFactory grains, string name, bool paused)
        => Act(http, paused ? "pause" : "resume", "name", name, async name => await grains.GetGrain<IScheduleGrain>(name).SetPausedAsync(paused) is { } s
            ? Results.Json(new { name, paused = s.Paused }) : NotFound($"no schedule '{name}'"));

    // The target as it was before the address escaped it (the segment before the action's name), to the action and to the log.
    private static async Task<IResult> Act(HttpContext http, string action, string field, string target, Func<string, Task<IResult>> act)
    {
        target = RawRoute.Value(http, target, fromEnd: 1);
        // Before the client or a grain sees it: they refuse a blank one with an ArgumentException, a 500.
        var example = action switch
        {
            "cancel" => "/surge/actions/tasks/order-42/cancel",
            "retry" or "purge" => $"/surge/actions/dead-letters/order-42/{action}",
            _ => $"/surge/actions/schedules/nightly-report/{action}",
        };
        if (OperatorReads.RefuseBlank(field, target, example) is { } blank) return blank;
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OperatorActions));
        var who = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anyone (Surge:Http:Auth sets no credential)";
        var remote = http.Connection.RemoteIpAddress?.ToString() ?? "?";
        try
        {
            var result = await act(target);
            LogAction(logger, action, LogText.Of(target), who, remote, result is IStatusCodeHttpResult { StatusCode: >= 400 } ? "not found" : "done");
            return result;
        }
        catch (SurgeValidationException e)
        {
            LogAction(logger, action, LogText.Of(target), who, remote, $"refused: {e.Message}");
            return Results.Problem(title: $"cannot {action} '{target}'", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (SurgeUnavailableException e)
        {
            LogAction(logger, action, LogText.Of(target), who, remote, $"unavailable: {e.Message}");
            return Results.Problem(title: "Surge unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult NotFound(string detail) => Results.Problem(title: "not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    private static async ValueTask<object?> RefuseCrossSite(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (CrossSiteReason(request) is { } why)
            return Results.Problem(title: "cross-site action refused", detail: why, statusCode: StatusCodes.Status403Forbidden);
        return await next(context);
    }

    /// <summary>Why a request may come from another site's page, or null.</summary>
    internal static string? CrossSiteReason(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.Headers[ConfirmHeader]))
            return $"an action needs the {ConfirmHeader} header (the status page sends it; a script may send any value)";
        var origin = request.Headers.Origin.ToString();
        if (!string.IsNullOrEmpty(origin) && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
            return $"Origin {origin} is not this silo ({request.Scheme}://{request.Host})";
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site") return $"Sec-Fetch-Site is {site}";
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Status page action {Action} on {Target} by {Who} from {Remote}: {Outcome}")]
    private static partial void LogAction(ILogger logger, string action, string target, string who, string remote, string outcome);
}
