using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// Handlers that block their thread (synchronous I/O, a lock, <c>Thread.Sleep</c>), as Hangfire and Celery users write
/// them, on a real silo process: every slot blocked must not starve the silo of the threads it answers with.
/// </summary>
[Collection("silo-process")]
public class BlockingHandlerTests(SiloProcessFixture silo, ITestOutputHelper output)
{
    // A grain call to a shard takes about a millisecond here; a second is the most a caller should ever see.
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Run_EverySlotBlockingItsThread_SiloAnswersCallsWithinASecondAndEveryTaskSucceeds()
    {
        using var host = await silo.ClientAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        // Twice the silo's 16 slots, 3 s each: every slot blocks a thread for two rounds.
        var ids = Enumerable.Range(0, 32).Select(i => $"blocking-{Guid.NewGuid():N}").ToArray();
        await Task.WhenAll(ids.Select(id => surge.SubmitAsync(TaskSpec.Create("simulate", """{"duration_ms":3000,"blocking":true}""",
            new Dictionary<string, FeatureValue> { ["kind"] = FeatureValue.Of("blocking-io") }, id))));

        var slowest = TimeSpan.Zero;
        var calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var call = Stopwatch.StartNew();
            await surge.GetStatusAsync(ids[0]);
            if (call.Elapsed > slowest) slowest = call.Elapsed;
            calls++;
            if ((await Task.WhenAll(ids.Select(id => surge.GetStatusAsync(id)))).All(s => s is { IsFinal: true })) break;
            await Task.Delay(100);
        }
        output.WriteLine($"{calls} rounds of status calls over {clock.Elapsed.TotalSeconds:F1} s; slowest {slowest.TotalMilliseconds:F0} ms");
        var final = await Task.WhenAll(ids.Select(id => surge.GetStatusAsync(id)));
        Assert.All(final, s => Assert.Equal(TaskState.Succeeded, s!.State));
        Assert.True(slowest < CallBound, $"a status call took {slowest.TotalMilliseconds:F0} ms while every slot blocked its thread (bound {CallBound.TotalMilliseconds} ms)");
    }
}
