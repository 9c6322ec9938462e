using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Client;
using Surge.Hosting;
using Surge.Programs;
using Surge.Workers;

namespace Surge.Tests.Docs.Snippets.TasksPage;

// docs/tasks.md's blocks, compiled (DocsTests checks the page against these regions); never run.

static class Calls
{
    public static async Task<TaskStatus> ClientAsync(HostApplicationBuilder builder, IHost host)
    {
        // begin-snippet: tasks-client
        builder.UseOrleansClient(client => client.AddSurgeClient());       // gateways: Surge:Client:Gateways, default 127.0.0.1:30000

        var surge = host.Services.GetRequiredService<ISurgeClient>();
        var spec = TaskSpec.Create("resize", """{"image":"s3://bucket/1.png"}""",
            features: new Dictionary<string, FeatureValue> { ["customer"] = "c042", ["pixels"] = 12_000_000 },
            id: "resize-1.png");                                            // the id is the idempotency key
        await surge.SubmitAsync(spec);                                      // returns once the task is recorded
        var status = await surge.WaitAsync(spec.Id);                        // Succeeded or Failed, with timings and pool
        var same = await surge.RunAsync(spec);                              // submit + wait in one round trip (a duplicate id: no new run)

        // Entity events: handled one at a time, "finished" only after "started", whatever the arrival order.
        await surge.SubmitAsync(TaskSpec.Create("build-event").ForEntity("build/42", "build.finished", after: "build.started"));
        await surge.SubmitAsync(TaskSpec.Create("build-event").ForEntity("build/42", "build.started"));
        // end-snippet
        return status.IsFinal ? status : same;
    }

    public static void Register(ISiloBuilder siloBuilder)
    {
        // begin-snippet: tasks-handler-register
        siloBuilder.AddSurgeWorkers(w => w.AddHandler<ResizeHandler>("resize"));
        // end-snippet
    }

    public static async Task PoliciesAsync(ISiloBuilder siloBuilder, ISurgeClient surge, string payload, string taskId)
    {
        // begin-snippet: tasks-policies
        siloBuilder.AddSurgeWorkers(w => w
            .AddHandler<FetchHandler>("fetch")
            .ConfigurePolicy("fetch", p => { p.MaxAttempts = 5; p.BackoffBase = TimeSpan.FromSeconds(2); p.SoftTimeLimit = TimeSpan.FromMinutes(10); })
            .ConfigurePolicy("push", p => p.MaxRunning = 15)
            .AddProgram("thumbnail", p => { p.Executable = "/usr/bin/convert-thumb"; p.PayloadAs = PayloadDelivery.Arguments; }));

        await surge.SubmitAsync(TaskSpec.Create("fetch", payload) with { MaxAttempts = 2, Timeout = TimeSpan.FromMinutes(1) }); // per submission
        await surge.CancelAsync(taskId);
        // end-snippet
    }

    public static async Task ScheduleAsync(ISurgeClient surge)
    {
        // begin-snippet: tasks-schedule
        await surge.ScheduleAsync(ScheduleSpec.Create("nightly-report", "0 2 * * *", "report", """{"kind":"daily"}"""));
        // end-snippet
    }
}

// begin-snippet: tasks-handler-class
sealed class ResizeHandler : ITaskHandler
{
    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        // task.Payload, task.Features, task.Attempt …; throwing fails this task, never the silo
        await Task.Delay(10, cancellationToken);                    // the work, honouring the token
        return """{"ok":true}"""u8.ToArray();
    }
}
// end-snippet

sealed class FetchHandler : ITaskHandler
{
    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext task, CancellationToken cancellationToken)
        => ValueTask.FromResult(task.Payload);
}
