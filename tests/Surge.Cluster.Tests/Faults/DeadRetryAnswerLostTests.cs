using System.Collections.Concurrent;
using Orleans.TestingHost;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// The client repeats a call whose answer it did not get (a timeout, a failover), and the first try may have been
/// stored. A dead letter's retry is not idempotent by itself: repeated after its answer was lost, it ran the task once
/// more for every try (bench chaos), or said "not dead-lettered" of the retry it had just made. The client now names the
/// dead letter it retries by its attempts, and the shard retries it once.
/// </summary>
public class DeadRetryAnswerLostTests
{
    [Fact]
    public async Task RetryDeadLetter_FirstAnswerLost_ClientAsksAgainAndTheTaskRunsOnceMore()
    {
        var spec = TaskSpec.Create(FlakyHandler.TypeName, """{"fail_times":100,"error":"retry"}""") with { MaxAttempts = 1 };
        LoseFirstRetryAnswer.Ids[spec.Id] = 0;
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<LoseFirstRetryAnswer>());
        var dead = await surge.Client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Failed, true, 1), (dead.State, dead.DeadLettered, dead.Attempts));

        var retried = await surge.Client.RetryDeadLetterAsync(spec.Id); // its first answer is lost: the client asks again
        Assert.NotNull(retried);
        var final = await Eventually.ValueAsync(() => surge.Client.GetStatusAsync(spec.Id), s => s is { DeadLettered: true },
            "the retried dead letter failed again");

        Assert.Equal(2, LoseFirstRetryAnswer.Ids[spec.Id]); // the lost answer, then the client's second try
        Assert.Equal([1, 2], FlakyHandler.Starts[spec.Id]); // one more run, not one per try
        Assert.Equal(2, final!.Attempts);
    }

    /// <summary>Lets a scenario's first dead-letter retry through, then loses its answer: the client sees a timeout.</summary>
    private sealed class LoseFirstRetryAnswer : ISiloConfigurator
    {
        public static readonly ConcurrentDictionary<string, int> Ids = new();

        public void Configure(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(async context =>
        {
            await context.Invoke();
            if (context.InterfaceMethod?.Name == nameof(ITaskShardGrain.RetryDeadLetterAsync) && context.Request.GetArgument(0) is string id
                && Ids.ContainsKey(id) && Ids.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
                throw new TimeoutException($"the answer to the retry of {id} was lost");
        });
    }
}
