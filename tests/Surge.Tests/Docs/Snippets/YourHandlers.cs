using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Surge.Client;
using Surge.Hosting;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Tests.Docs.Snippets.YourHandlers;

// docs/your-handlers.md's code, compiled (never run): each marked block of the page is the text between a
// begin-snippet and its end-snippet here. The sample it describes, samples/Surge.Samples.*, is built and run by tests.

// begin-snippet: your-handlers-contracts
public sealed record ResizeRequest(string Name, int Width, int Height, byte[] Pixels, int MaxSide);
public sealed record ResizeResult(string Name, int Width, int Height, double MeanLuminance, string Sha256, string StoredAs, int Store);

public static class SampleTasks
{
    public static readonly TaskType<ResizeRequest, ResizeResult> Resize = new("resize", SampleJson.Default.ResizeRequest, SampleJson.Default.ResizeResult);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ResizeRequest))]
[JsonSerializable(typeof(ResizeResult))]
public sealed partial class SampleJson : JsonSerializerContext;
// end-snippet

// begin-snippet: your-handlers-handler
public sealed class ResizeHandler(IThumbnailStore store) : ITaskHandler<ResizeRequest, ResizeResult>
{
    public static TaskType<ResizeRequest, ResizeResult> TaskType => SampleTasks.Resize;

    public async ValueTask<ResizeResult> HandleAsync(ResizeRequest input, TaskContext context, CancellationToken cancellationToken)
    {
        if (input.Pixels.Length != input.Width * input.Height)    // the same bytes would fail every retry: fail for good
            throw new NonRetryableTaskException($"pixels has {input.Pixels.Length} bytes; a {input.Width}x{input.Height} image has {input.Width * input.Height}");
        var thumbnail = Thumbnail.Shrink(input);
        var storedAs = await store.SaveAsync(input.Name, thumbnail, cancellationToken);
        return new ResizeResult(input.Name, thumbnail.Width, thumbnail.Height, thumbnail.MeanLuminance, thumbnail.Sha256, storedAs, store.Instance);
    }
}
// end-snippet

public interface IThumbnailStore
{
    int Instance { get; }

    Task<string> SaveAsync(string name, Thumbnail thumbnail, CancellationToken cancellationToken);
}

public sealed class FileThumbnailStore : IThumbnailStore
{
    public int Instance => 1;

    public Task<string> SaveAsync(string name, Thumbnail thumbnail, CancellationToken cancellationToken) => Task.FromResult(name);
}

public sealed class ThumbnailStoreCount;

public sealed record Thumbnail(int Width, int Height, double MeanLuminance, string Sha256)
{
    public static Thumbnail Shrink(ResizeRequest request) => new(request.MaxSide, request.MaxSide, 0, "");
}

internal static class Hosts
{
    public static async Task<int> WorkerAsync(string[] args)
    {
        // begin-snippet: your-handlers-host
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddSurgeSilo(workers => workers.AddHandler<ResizeHandler>());
        builder.AddSurgeHttp();                                                   // /health, /ready, /metrics, /surge, /dashboard, /api/tasks
        builder.Services.AddSingleton<ThumbnailStoreCount>();
        builder.Services.AddScoped<IThumbnailStore, FileThumbnailStore>();        // one per run, disposed when the run ends

        var app = builder.Build();
        app.MapSurgeEndpoints();
        return await app.RunSurgeAsync();                                        // exit 1, with one line, if Redis stays unreachable as it starts
        // end-snippet
    }

    public static void SiloBuilder(IHostApplicationBuilder builder)
    {
        // begin-snippet: your-handlers-silo-builder
        builder.AddSurgeSilo(silo =>
        {
            silo.AddSurgeWorkers(workers => workers.AddHandler<ResizeHandler>());
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(30));   // anything Orleans offers
        });
        // end-snippet
    }

    public static async Task ClientAsync(string[] args, ResizeRequest request)
    {
        // begin-snippet: your-handlers-client
        var builder = Host.CreateApplicationBuilder(args);
        builder.UseOrleansClient(client => client.AddSurgeClient());   // Surge:Client:Gateways, else Surge:Redis, else 127.0.0.1:30000
        using var host = builder.Build();
        await host.StartAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();

        ResizeResult result = await surge.RunAsync(SampleTasks.Resize, request);         // throws SurgeTaskFailedException if it fails
        var submitted = await surge.SubmitAsync(SampleTasks.Resize, request);            // or submit now, read later
        var later = (await surge.WaitAsync(submitted.Id)).GetResult(SampleTasks.Resize);
        // end-snippet
        GC.KeepAlive(result);
        GC.KeepAlive(later);
    }
}
