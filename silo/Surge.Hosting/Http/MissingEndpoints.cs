using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Surge.Hosting;

/// <summary>
/// A request for a path no endpoint serves (404), or with a method its endpoint does not take (405), gets a
/// problem+json that says which, and what to send instead, where routing leaves the body empty. (A probe found
/// <c>POST /api/task</c> and <c>PUT /api/tasks</c> answered with a bare status.) Only those two: an endpoint's own
/// answers, bodies or not, are left as they are.
/// </summary>
internal static class MissingEndpoints
{
    public static void UseOn(IApplicationBuilder app) => app.UseStatusCodePages(WriteAsync);

    private static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var (method, path) = (LogText.Of(http.Request.Method), LogText.Of(http.Request.Path.Value));
        var problem = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound when http.GetEndpoint() is null => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such endpoint",
                detail: $"nothing is served at {method} {path}. The task API is /api/tasks (described at /openapi/v1.json); the cluster's status is /api/status, its page /surge."),
            StatusCodes.Status405MethodNotAllowed => Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed",
                detail: $"{path} does not take {method}; it takes {AllowedOf(http)}."),
            _ => null,
        };
        return problem?.ExecuteAsync(http) ?? Task.CompletedTask;
    }

    // Routing names the methods the path takes in the Allow header of its 405.
    private static string AllowedOf(HttpContext http)
        => http.Response.Headers.Allow.ToString() is { Length: > 0 } allowed ? allowed : "other methods";
}
