using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Client;
using Surge.Hosting;
using Surge.Workers;

namespace Surge.Tests.Docs.Snippets.Typed;

// The typed API as README.md and docs/tasks.md show it. DocsTests checks that each marked block of the docs appears
// here verbatim, so what readers copy compiles; the code is compiled, never run.

// begin-snippet: readme-typed-handler
public static class Tasks
{
    public static readonly TaskType<ResizeRequest, ResizeResult> Resize = new("resize");
}

public sealed record ResizeRequest(string Image, int Width);
public sealed record ResizeResult(string Thumbnail);

sealed class ResizeHandler(ImagesDb db) : ITaskHandler<ResizeRequest, ResizeResult>   // db: scoped, one per run
{
    public static TaskType<ResizeRequest, ResizeResult> TaskType => Tasks.Resize;

    public async ValueTask<ResizeResult> HandleAsync(ResizeRequest request, TaskContext task, CancellationToken cancellationToken)
        => new(await db.SaveAsync(request, cancellationToken));
}
// end-snippet

/// <summary>The scoped dependency the docs' handler takes (a DbContext, say).</summary>
sealed class ImagesDb
{
    public Task<string> SaveAsync(ResizeRequest request, CancellationToken cancellationToken)
        => Task.FromResult($"{request.Image}@{request.Width}");
}

static class TypedCalls
{
    public static async Task HostAsync(string[] args)
    {
        // begin-snippet: readme-silo
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddSurgeSilo(workers => workers.AddHandler<ResizeHandler>());
        builder.Services.AddScoped<ImagesDb>();
        await builder.Build().RunAsync();
        // end-snippet
    }

    public static async Task<ResizeResult> ClientAsync(HostApplicationBuilder builder, IHost host)
    {
        // begin-snippet: readme-typed-call
        builder.UseOrleansClient(client => client.AddSurgeClient());   // gateways: Surge:Client:Gateways, default 127.0.0.1:30000

        var surge = host.Services.GetRequiredService<ISurgeClient>();
        ResizeResult result = await surge.RunAsync(Tasks.Resize, new ResizeRequest("s3://bucket/1.png", 320));
        // end-snippet
        return result;
    }

    public static async Task<ResizeResult> RegisterAndCallAsync(ISiloBuilder siloBuilder, ISurgeClient surge, ResizeRequest request)
    {
        // begin-snippet: tasks-typed-calls
        siloBuilder.AddSurgeWorkers(w => w.AddHandler<ResizeHandler>());                     // the type name comes from TaskType

        ResizeResult result = await surge.RunAsync(Tasks.Resize, new ResizeRequest("s3://bucket/1.png", 320));
        var submitted = await surge.SubmitAsync(Tasks.Resize, request);                      // fire and forget
        var again = (await surge.WaitAsync(submitted.Id)).GetResult(Tasks.Resize);
        // end-snippet
        GC.KeepAlive(result);
        return again;
    }
}
