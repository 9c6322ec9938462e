using System.Collections.Immutable;
using System.Reflection;
using Surge.Client;
using Surge.Replay;

namespace Surge.Tests;

public class ReplayRunTests
{
    private static readonly WorkloadTask Task1 = new(0, "t-1", 0, "x", null, null, null, null, ImmutableDictionary<string, FeatureValue>.Empty, 1, 0);

    private static SurgeUnavailableException Unavailable() => new("none of the 2 active silos answered within 5 s. Safe to retry.", new TimeoutException());

    private static TaskStatus Status(TaskState state) => new() { Id = Task1.Id, Type = "simulate", State = state };

    // The routing mode only labels the report. Asked before the replay, a silo that did not answer within its 5 s (one
    // paused, or a loaded machine) ended the whole replay with exit 1 and ran nothing (seen in PauseTests under load).
    [Fact]
    public async Task RunAsync_NoSiloAnswersTheModeQuestion_ReplaysAndLabelsTheModeUnknown()
    {
        var client = FakeClient.Create(silos: Unavailable());

        var report = await ReplayRun.RunAsync(client, [Task1], "w", new ReplayOptions(), null, CancellationToken.None);

        Assert.Equal(("unknown", 1, 0), (report.Mode, report.Completed, report.Rejected));
    }

    // A run that ended unavailable after its task was accepted (the wait, not the submission, ran out of silos) counted
    // as "rejected", though the task ran: the report claimed refusals that never happened.
    [Fact]
    public async Task RunAsync_RunEndsUnavailableButTheTaskWasAccepted_FollowsItInsteadOfCountingItRejected()
    {
        var client = FakeClient.Create(run: Unavailable(), known: Status(TaskState.Running), waited: Status(TaskState.Succeeded));

        var report = await ReplayRun.RunAsync(client, [Task1], "w", new ReplayOptions(), null, CancellationToken.None);

        Assert.Equal((1, 0), (report.Completed, report.Rejected));
    }

    [Fact]
    public async Task RunAsync_RunEndsUnavailableAndTheClusterDoesNotKnowTheTask_CountsItRejected()
    {
        var client = FakeClient.Create(run: Unavailable(), known: null);

        var report = await ReplayRun.RunAsync(client, [Task1], "w", new ReplayOptions(), null, CancellationToken.None);

        Assert.Equal((0, 1), (report.Completed, report.Rejected));
    }

    // An ISurgeClient that answers the calls a replay makes, each with a status or an exception it is given.
    public class FakeClient : DispatchProxy
    {
        private Exception? _run, _silos;
        private TaskStatus? _known, _waited;

        public static ISurgeClient Create(Exception? run = null, Exception? silos = null, TaskStatus? known = null, TaskStatus? waited = null)
        {
            var client = DispatchProxy.Create<ISurgeClient, FakeClient>();
            var fake = (FakeClient)(object)client;
            (fake._run, fake._silos, fake._known, fake._waited) = (run, silos, known, waited);
            return client;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) => method!.Name switch
        {
            nameof(ISurgeClient.RunAsync) => _run is null ? Task.FromResult(Status(TaskState.Succeeded)) : Task.FromException<TaskStatus>(_run),
            nameof(ISurgeClient.GetSilosAsync) => _silos is null ? Task.FromResult(Array.Empty<SiloInfo>()) : Task.FromException<SiloInfo[]>(_silos),
            nameof(ISurgeClient.GetStatusAsync) => Task.FromResult(_known),
            nameof(ISurgeClient.WaitAsync) => Task.FromResult(_waited!),
            _ => throw new NotSupportedException(method.Name),
        };
    }
}
