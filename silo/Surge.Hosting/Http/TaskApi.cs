using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Client;
using Surge.Security;
using Surge.Tasks;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>
/// The HTTP task API for producers outside .NET: submit, status and wait, through the silo's own
/// <see cref="ISurgeClient"/> (so a call rides out a failover as a .NET client's does). Refusals are problem details
/// naming the field, with the validator's own message. The silo's own client passes the gateway's access filter as
/// the silo's, so roles are applied here: a submit-role caller (<see cref="HttpAuthOptions.Roles"/>) reads only the
/// tasks it submitted, as it would at the gateway (<see cref="HttpTaskReader"/>).
/// </summary>
internal sealed partial class TaskApi(ISurgeClient surge, IOptions<WorkerOptions> workers, IOptions<TaskOptions> tasks, HttpCredentialsSource credentials,
    ILogger<TaskApi> logger)
{
    /// <summary>Longest wait one request may ask for: a proxy in between would cut a longer one anyway.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>The wait when the request names none.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Room in a body beyond the payload, for the spec's other fields: ids, names and up to 64 features of 1,024
    /// characters each, escaped (<see cref="TaskValidator"/>'s bounds).
    /// </summary>
    public const int SpecRoomBytes = 512 * 1024;

    // Web defaults (camelCase, names case-insensitive), fixed here so a host's JSON settings never change the API.
    // A field given twice ({"type":"a","type":"b"}) is refused rather than the last one winning unseen.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    private readonly TaskLimits _limits = new(workers.Value.MaxPayloadBytes, tasks.Value.MaxTimeout);

    /// <summary>Largest body <c>POST /api/tasks</c> reads: the silo's payload bound plus <see cref="SpecRoomBytes"/>.</summary>
    public long MaxBodyBytes => (long)_limits.MaxPayloadBytes + SpecRoomBytes;

    public async Task<IResult> SubmitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var reader = HttpTaskReader.Of(context.User, credentials.Current);
        if (reader is { Role: null }) return NotSignedIn();
        if (await ReadSubmissionAsync(context, cancellationToken) is not { } read) return TooLarge();
        if (read.Problem is { } problem) return problem;
        TaskSpec spec;
        try
        {
            // Who submitted it is the silo's to say, as at the gateway: the body has no such field.
            spec = read.Submission!.ToSpec() with { Submitter = reader?.Submitter };
            TaskValidator.Validate(spec, _limits); // the silo's own bounds, as its shard will check them
        }
        catch (SurgeValidationException e)
        {
            return Invalid(e);
        }
        try
        {
            var status = await surge.SubmitAsync(spec, cancellationToken);
            // An id already taken answers with the first submission's task: another caller's is not shown.
            if (reader is { } r && !r.MayRead(status)) return Forbidden(r, status);
            // 202 for a first submission and a repeat alike: the first one stands, and either way it is under way.
            context.Response.Headers.Location = $"/api/tasks/{Uri.EscapeDataString(status.Id)}";
            return Results.Json(TaskView.From(status), Json, statusCode: StatusCodes.Status202Accepted);
        }
        catch (SurgeValidationException e)
        {
            return Invalid(e); // what only the shard knows: an unregistered type, a full entity
        }
        catch (SurgeUnavailableException e)
        {
            LogUnavailable(logger, "submit", e.Message);
            return Unavailable(e);
        }
    }

    public async Task<IResult> GetAsync(string id, HttpContext context, CancellationToken cancellationToken)
    {
        var reader = HttpTaskReader.Of(context.User, credentials.Current);
        if (reader is { Role: null }) return NotSignedIn();
        return RouteId(context, id, fromEnd: 0) is { } taskId ? await StatusAsync(taskId, reader, cancellationToken) : BlankId();
    }

    private async Task<IResult> StatusAsync(string id, HttpTaskReader? reader, CancellationToken cancellationToken)
    {
        try
        {
            if (await surge.GetStatusAsync(id, cancellationToken) is not { } status) return Unknown(id);
            return reader is { } r && !r.MayRead(status) ? Forbidden(r, status) : Ok(status);
        }
        catch (SurgeUnavailableException e)
        {
            LogUnavailable(logger, "status", e.Message);
            return Unavailable(e);
        }
    }

    // A scoped caller's wait: refused, or unknown, before it begins; null when it may wait.
    private async Task<IResult?> RefuseWaitAsync(string id, HttpTaskReader reader, CancellationToken cancellationToken)
        => await surge.GetStatusAsync(id, cancellationToken) is not { } status ? Unknown(id) : reader.MayRead(status) ? null : Forbidden(reader, status);

    public async Task<IResult> WaitAsync(string route, string? timeout, HttpContext context, CancellationToken cancellationToken)
    {
        var reader = HttpTaskReader.Of(context.User, credentials.Current);
        if (reader is { Role: null }) return NotSignedIn();
        if (RouteId(context, route, fromEnd: 1) is not { } id) return BlankId();
        if (ParseWait(timeout) is not { } wait)
        {
            return Results.ValidationProblem(Field("timeout",
                    $"'{timeout}' is not a number of seconds from 0 to {MaxWait.TotalSeconds:F0}; e.g. ?timeout=30, or omit it for {DefaultWait.TotalSeconds:F0}"),
                title: "Bad query parameter");
        }
        try
        {
            // Checked before waiting, not after: a refused caller must not learn when another's task ends. Who submitted
            // a task never changes, so the status the wait ends with is one it may see.
            if (reader is { Scoped: true } && await RefuseWaitAsync(id, reader.Value, cancellationToken) is { } refused) return refused;
            return Ok(await surge.WaitAsync(id, wait, cancellationToken));
        }
        catch (KeyNotFoundException)
        {
            return Unknown(id);
        }
        catch (TimeoutException)
        {
            // Not final yet: the current status, and the caller asks again.
            return await StatusAsync(id, reader, cancellationToken);
        }
        catch (SurgeUnavailableException e)
        {
            LogUnavailable(logger, "wait", e.Message);
            return Unavailable(e);
        }
    }

    // The id as submitted (RawRoute: an escaped slash in it, order%2F42, and an escaped escape, a%252Fb, each read back
    // as sent). Null when blank, which the client would refuse with an exception (a 500).
    private static string? RouteId(HttpContext context, string id, int fromEnd)
        => RawRoute.Value(context, id, fromEnd) is var taskId && !string.IsNullOrWhiteSpace(taskId) ? taskId : null;

    private static IResult BlankId() => Results.ValidationProblem(
        Field("id", "must not be empty; put the task's id in the path, e.g. /api/tasks/order-42 (a slash in it escaped as %2F)"), title: "Bad path");

    private static TimeSpan? ParseWait(string? timeout)
    {
        if (timeout is null) return DefaultWait;
        return double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
               && seconds >= 0 && seconds <= MaxWait.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    // Null when the body is over the bound. The bound is set on the server before anything is read, so a chunked body
    // without a length is cut off there too rather than buffered whole.
    private async Task<(TaskSubmission? Submission, IResult? Problem)?> ReadSubmissionAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > MaxBodyBytes) return null;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            var submission = await JsonSerializer.DeserializeAsync<TaskSubmission>(context.Request.Body, Json, cancellationToken);
            return submission is null
                ? (null, Results.ValidationProblem(Field("body", "is null; send a JSON object such as {\"type\":\"simulate\",\"payload\":{}}"), title: "Bad JSON body"))
                : (submission, null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        catch (BadHttpRequestException e)
        {
            // Bad chunked framing, a body shorter than its length or too slow to come: the client's doing, answered with
            // the server's status (400, 408) and not logged as the silo's error.
            return (null, Results.Problem(title: "Bad request body", detail: $"the body could not be read: {e.Message}", statusCode: e.StatusCode));
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            var at = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            // The serializer says a value "could not be converted to System.Nullable`1[System.Int32]": said as the field's shape.
            var why = e.Message.Contains("could not be converted", StringComparison.Ordinal) && Shapes.TryGetValue(field, out var shape)
                ? $"{field} must be {shape}" : e.Message;
            var message = $"the body is not a valid task{at} ({e.Path ?? "$"}): {why}";
            return (null, Results.ValidationProblem(Field(field, message), detail: message, title: "Bad JSON body"));
        }
    }

    private static readonly Dictionary<string, string> Shapes = new(StringComparer.Ordinal)
    {
        ["id"] = "a string, e.g. \"order-42\"",
        ["type"] = "a string, e.g. \"simulate\"",
        ["entity"] = "a string, e.g. \"build/42\"",
        ["event"] = "a string, e.g. \"build.started\"",
        ["after"] = "a string, e.g. \"build.started\"",
        ["sequence"] = "a whole number, 1 or more",
        ["maxAttempts"] = "a whole number from 1 to 100",
        ["features"] = "an object of names to strings or numbers, e.g. {\"source\":\"adwords\",\"rows\":1200}",
    };

    private IResult TooLarge() => Results.Problem(
        title: "Body too large",
        detail: $"payload: the body is over the limit of {MaxBodyBytes} bytes: a payload may be at most {_limits.MaxPayloadBytes} bytes (Surge:Workers:MaxPayloadBytes), "
                + $"plus {SpecRoomBytes} bytes for the other fields; store large data elsewhere and pass a reference",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        extensions: new Dictionary<string, object?> { ["field"] = "payload", ["limit"] = MaxBodyBytes });

    /// <summary>A body sent as another content type than JSON: 415, naming the header and the value to send.</summary>
    public static IResult NotJson(string? contentType) => Results.Problem(
        title: "Unsupported content type",
        detail: $"Content-Type is '{contentType}'; send the task as JSON with the header Content-Type: application/json (curl: -H 'Content-Type: application/json')",
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" });

    private static IResult Invalid(SurgeValidationException e)
        => Results.ValidationProblem(Field(e.Field, e.Message), detail: e.Message, title: "Invalid task");

    private IResult Forbidden(HttpTaskReader reader, TaskStatus status)
    {
        LogRefused(logger, status.Id, reader.Name ?? "?", reader.Role?.ToString() ?? "none");
        return Results.Problem(title: "Forbidden", detail: $"{TaskReaders.Refusal(status)}; '{reader.Name}' has the {reader.Role} role (Surge:Http:Auth:Roles)",
            statusCode: StatusCodes.Status403Forbidden, extensions: new Dictionary<string, object?> { ["needed"] = TaskReaders.AnyTask.ToString() });
    }

    // Only where a host maps the task API under a scheme of its own while Surge:Http:Auth sets credentials: with no
    // role to scope its reads by, the caller is refused rather than let read every task.
    private static IResult NotSignedIn() => Results.Problem(title: "Forbidden",
        detail: "this request was not signed in with a user or token of Surge:Http:Auth, whose roles say which tasks a caller may read; send one",
        statusCode: StatusCodes.Status403Forbidden);

    private static IResult Unknown(string id)
        => Results.Problem(title: "Unknown task", detail: $"no task has id '{id}'; submit it with POST /api/tasks, or check the id",
            statusCode: StatusCodes.Status404NotFound);

    // The .NET client's own verdict: nothing is lost, the same request may simply be sent again.
    private static IResult Unavailable(SurgeUnavailableException e)
        => Results.Problem(title: "Surge unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static IResult Ok(TaskStatus status) => Results.Json(TaskView.From(status), Json);

    private static Dictionary<string, string[]> Field(string field, string message) => new(StringComparer.Ordinal) { [field] = [message] };

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP task API refused task {Id} to {Caller}, whose role is {Role}: reading another's task needs Operate")]
    private static partial void LogRefused(ILogger logger, string id, string caller, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP task API: {Call} answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string call, string reason);
}
