using System.Text.Json;
using Surge.Client;
using Surge.Flows;
using Surge.Workers;

namespace Surge.Tests.Docs.Snippets.FlowsPage;

// docs/flows.md's blocks, compiled (DocsTests checks the page against these regions); never run.

static class Calls
{
    public static async Task RegisterAsync(ISurgeFlows flows)
    {
        // begin-snippet: flow-builder
        var flow = new FlowBuilder("scoring")
            .Task("load", "simulate", "v1", output: "raw", payload: """{"duration_ms": 5}""")
            .Task("features", "simulate", "v1", output: "features", inputs: ["raw"])
            .Task("score", "simulate", "v2", output: "scores", inputs: ["raw", "features"], dependencyTimeout: TimeSpan.FromMinutes(10))
            .Build();
        await flows.RegisterAsync(flow);
        // end-snippet
    }

    public static async Task StartAsync(ISurgeFlows flows)
    {
        // begin-snippet: wave-start
        var wave = await flows.StartWaveAsync(new WaveRequest("scoring", "customers", Date: "2026-11-29"));
        var done = await flows.WaitWaveAsync(wave.Wave, TimeSpan.FromHours(1));
        Console.WriteLine($"{done.Finished} finished, {done.Degraded} degraded, {done.Failed} failed in {done.MakespanSeconds:F1} s");
        // end-snippet
    }
}

// begin-snippet: flow-handler
public sealed class ScoreHandler : ITaskHandler
{
    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var step = context.Flow!;
        var raw = step.Input<double[]>("raw") ?? [];            // null when missing (a degraded run)
        var weight = step.Version == "v2" ? 1.5 : 1.0;
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(JsonSerializer.SerializeToUtf8Bytes(raw.Sum() * weight));
    }
}
// end-snippet
