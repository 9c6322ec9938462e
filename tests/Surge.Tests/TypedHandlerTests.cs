using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Surge.Hosting;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Tests;

public class TypedHandlerTests
{
    public sealed record ResizeRequest(string Url, int Width);
    public sealed record ResizeResult(string Url, int Width, int Runs);

    public static readonly TaskType<ResizeRequest, ResizeResult> Resize = new("resize");

    /// <summary>Counts the scoped services it is given: one per run, each disposed when its run ends.</summary>
    public sealed class RunScoped : IAsyncDisposable
    {
        public static int Created, Disposed;

        public RunScoped() => Interlocked.Increment(ref Created);

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref Disposed);
            return ValueTask.CompletedTask;
        }
    }

    public sealed class ResizeHandler(RunScoped scoped) : ITaskHandler<ResizeRequest, ResizeResult>
    {
        public static TaskType<ResizeRequest, ResizeResult> TaskType => Resize;

        public ValueTask<ResizeResult> HandleAsync(ResizeRequest input, TaskContext context, CancellationToken cancellationToken)
        {
            GC.KeepAlive(scoped);
            return ValueTask.FromResult(new ResizeResult(input.Url, input.Width * 2, context.Attempt));
        }
    }

    private static TaskContext Context(TaskSpec spec) => new() { TaskId = spec.Id, Type = spec.Type, Payload = spec.Payload, Features = spec.Features };

    private static TaskContext Context(string payload) => Context(TaskSpec.Create(Resize.Name, payload));

    private static (ServiceProvider Services, HandlerRegistry Registry) Silo()
    {
        var services = new ServiceCollection();
        services.AddScoped<RunScoped>();
        var workers = new SurgeWorkersBuilder(services);
        workers.AddHandler<ResizeHandler>().AddHandler<ResizeHandler>();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return (provider, new HandlerRegistry(provider, provider.GetServices<HandlerRegistration>()));
    }

    private static async Task<ReadOnlyMemory<byte>> RunAsync(HandlerRegistry registry, TaskContext context)
    {
        await using var run = await registry.BeginAsync(context.Type);
        return await run.Handler.HandleAsync(context, CancellationToken.None);
    }

    [Fact]
    public async Task HandleAsync_TypedPayload_RoundTripsToTypedResult()
    {
        var (services, registry) = Silo();
        await using var _ = services;
        var spec = Resize.Create(new ResizeRequest("s3://a.png", 320));

        var result = await RunAsync(registry, Context(spec));

        var status = new TaskStatus { Id = spec.Id, Type = Resize.Name, State = TaskState.Succeeded, Result = result };
        Assert.Equal(new ResizeResult("s3://a.png", 640, 1), status.GetResult(Resize));
        Assert.Equal(new ResizeResult("s3://a.png", 640, 1), status.GetResult<ResizeResult>());
        Assert.Equal("{\"url\":\"s3://a.png\",\"width\":320}", Encoding.UTF8.GetString(spec.Payload.Span)); // web defaults: camelCase
    }

    [Theory]
    [InlineData("{\"url\":\"s3://a.png\",\"width\":\"wide\"}", "$.width")]
    [InlineData("{\"width\":320}", "'url'")]
    [InlineData("{\"url\":null,\"width\":320}", "url")]
    [InlineData("not json", "$")]
    public async Task HandleAsync_BadPayload_FailsNonRetryableNamingTheField(string payload, string named)
    {
        var (services, registry) = Silo();
        await using var _ = services;

        var error = await Assert.ThrowsAsync<NonRetryableTaskException>(() => RunAsync(registry, Context(payload)));

        Assert.Contains("not a ResizeRequest", error.Message);
        Assert.Contains(named, error.Message);
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    public async Task HandleAsync_NullOrEmptyPayload_FailsNonRetryable(string payload)
    {
        var (services, registry) = Silo();
        await using var _ = services;

        var error = await Assert.ThrowsAsync<NonRetryableTaskException>(() => RunAsync(registry, Context(payload)));

        Assert.Contains(payload.Length == 0 ? "empty" : "null", error.Message);
    }

    [Fact]
    public async Task BeginAsync_EachRun_GetsItsOwnScopeDisposedWhenItEnds()
    {
        var (services, registry) = Silo();
        await using var _ = services;
        var (created, disposed) = (RunScoped.Created, RunScoped.Disposed);

        for (var i = 0; i < 3; i++) await RunAsync(registry, Context(Resize.Create(new ResizeRequest("u", i))));
        await Assert.ThrowsAsync<NonRetryableTaskException>(() => RunAsync(registry, Context("null")));

        // Other tests of this class run in sequence (one class, one collection), so the statics count only these runs.
        Assert.Equal((4, 4), (RunScoped.Created - created, RunScoped.Disposed - disposed));
    }

    [Fact]
    public void AddHandler_SameTypedHandlerTwice_RegistersOnce()
    {
        var (services, registry) = Silo();
        using var _ = services;

        Assert.Single(services.GetServices<HandlerRegistration>());
        Assert.Equal(["resize"], registry.Types);
    }

    [Fact]
    public void AddHandler_AnotherHandlerForATakenType_IsRefused()
    {
        var workers = new SurgeWorkersBuilder(new ServiceCollection()).AddHandler("resize", (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty));

        var error = Assert.Throws<InvalidOperationException>(() => workers.AddHandler<ResizeHandler>());

        Assert.Contains("'resize' already has a handler", error.Message);
    }

    [Fact]
    public void GetResult_FailedTask_ThrowsCarryingTheStatus()
    {
        var status = new TaskStatus { Id = "t1", Type = Resize.Name, State = TaskState.Failed, Attempts = 1, Error = "NonRetryableTaskException: bad" };

        var error = Assert.Throws<SurgeTaskFailedException>(() => status.GetResult(Resize));

        Assert.Same(status, error.Status);
        Assert.Contains("failed after 1 attempt: NonRetryableTaskException: bad", error.Message);
    }

    [Fact]
    public void GetResult_CancelledTask_ThrowsCarryingTheStatus()
    {
        var status = new TaskStatus { Id = "t1", Type = Resize.Name, State = TaskState.Cancelled, Attempts = 1, Error = "cancelled" };
        Assert.Same(status, Assert.Throws<SurgeTaskFailedException>(() => status.GetResult(Resize)).Status);
    }

    [Fact]
    public void GetResult_RunningTask_SaysToWait()
    {
        var status = new TaskStatus { Id = "t1", Type = Resize.Name, State = TaskState.Running };

        Assert.Contains("wait for it", Assert.Throws<InvalidOperationException>(() => status.GetResult(Resize)).Message);
    }

    [Fact]
    public void Create_WithSourceGeneratedContracts_UsesThem()
    {
        var type = new TaskType<ResizeRequest, ResizeResult>("resize", TestJson.Default.ResizeRequest, TestJson.Default.ResizeResult);

        var spec = type.Create(new ResizeRequest("u", 1), id: "fixed");

        Assert.Equal(("fixed", "{\"Url\":\"u\",\"Width\":1}"), (spec.Id, spec.PayloadText)); // the context's naming, not the web defaults
        Assert.Equal(new ResizeRequest("u", 1), type.DeserializeInput(spec.Payload.Span));
        Assert.Empty(spec.Features);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(TypedHandlerTests.ResizeRequest))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TypedHandlerTests.ResizeResult))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
