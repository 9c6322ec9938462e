using System.Collections.Immutable;
using System.Reflection;
using Surge.Client;
using Surge.Replay;

namespace Surge.Tests;

public class ReplayRunTests
{
    // The routing mode only labels the report. Asked before the replay, a silo that did not answer within its 5 s (one
    // paused, or a loaded machine) ended the whole replay with exit 1 and ran nothing (seen in PauseTests under load).
    [Fact]
    public async Task RunAsync_NoSiloAnswersTheModeQuestion_ReplaysAndLabelsTheModeUnknown()
    {
        var client = DispatchProxy.Create<ISurgeClient, SilentSilosClient>();
        var task = new WorkloadTask(0, "t-1", 0, "x", null, null, null, null, ImmutableDictionary<string, FeatureValue>.Empty, 1, 0);

        var report = await ReplayRun.RunAsync(client, [task], "w", new ReplayOptions(), null, CancellationToken.None);

        Assert.Equal(("unknown", 1, 0), (report.Mode, report.Completed, report.Rejected));
    }

    // Runs every task at once; asking the silos is refused as when none answers in time.
    public class SilentSilosClient : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? method, object?[]? args) => method!.Name switch
        {
            nameof(ISurgeClient.RunAsync) => Task.FromResult(new TaskStatus { Id = ((TaskSpec)args![0]!).Id, Type = "simulate", State = TaskState.Succeeded }),
            nameof(ISurgeClient.GetSilosAsync) => Task.FromException<SiloInfo[]>(new SurgeUnavailableException("none of the 2 active silos answered within 5 s. Safe to retry.", new TimeoutException())),
            _ => throw new NotSupportedException(method.Name),
        };
    }
}
