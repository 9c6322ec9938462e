using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Surge.Hosting;

/// <summary>The HTTP task API, for producers outside .NET (Python, Go, curl).</summary>
public static class TaskApiEndpoints
{
    /// <summary>
    /// <c>POST /api/tasks</c>, <c>GET /api/tasks/{id}</c> and <c>GET /api/tasks/{id}/wait?timeout=…</c>, in one route
    /// group, returned so a host can protect them all at once (<c>.RequireAuthorization(…)</c>).
    /// </summary>
    public static RouteGroupBuilder MapSurgeTaskApi(this IEndpointRouteBuilder endpoints)
    {
        var tasks = endpoints.MapGroup("/api/tasks").WithTags("tasks");
        // The body is read by hand, for its size bound and errors that name the field: declared here for the document.
        tasks.MapPost("", (HttpContext context, TaskApi api, CancellationToken cancellationToken) => api.SubmitAsync(context, cancellationToken))
            .WithName("SubmitTask")
            .WithSummary("Submit a task; a repeated id returns the first submission's task")
            .Accepts<TaskSubmission>("application/json")
            .Produces<TaskView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // A body of another content type (curl -d sends a form unless told) is not matched above, and routing alone would
        // answer a 415 with no body: this endpoint, in the group (so behind its credentials) and ranked after the one
        // above, says what to send instead. A body with no Content-Type at all is read as JSON, as it was before this
        // endpoint existed (routing sends it here now).
        tasks.MapPost("", (HttpContext context, TaskApi api, CancellationToken cancellationToken) => string.IsNullOrEmpty(context.Request.ContentType)
                ? api.SubmitAsync(context, cancellationToken)
                : Task.FromResult(TaskApi.NotJson(context.Request.ContentType)))
            .ExcludeFromDescription()
            .WithOrder(1);
        tasks.MapGet("{id}", (string id, HttpContext context, TaskApi api, CancellationToken cancellationToken) => api.GetAsync(id, context, cancellationToken))
            .WithName("GetTask")
            .WithSummary("A task's status")
            .Produces<TaskView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        tasks.MapGet("{id}/wait", (string id, string? timeout, HttpContext context, TaskApi api, CancellationToken cancellationToken) => api.WaitAsync(id, timeout, context, cancellationToken))
            .WithName("WaitTask")
            .WithSummary("Wait until the task is final or timeout seconds (default 30, at most 60) have passed; its status either way")
            .Produces<TaskView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return tasks;
    }
}
