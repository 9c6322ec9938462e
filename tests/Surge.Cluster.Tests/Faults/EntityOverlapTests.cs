using System.Globalization;
using Surge.Client;
using Surge.Cluster.Tests.Programs;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Issue 13: an entity's events never overlap, even when the running one is cancelled and its program ignores SIGTERM
/// (a TestingHost cluster; the program writes when it starts and ends, by the system clock, per task id).
/// </summary>
public class EntityOverlapTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Stubborn4s = """
        trap '' TERM
        echo "start $(date +%s.%N) $$" >> "$1/$SURGE_TASK_ID"
        sleep 4
        echo "end $(date +%s.%N)" >> "$1/$SURGE_TASK_ID"
        """;

    private readonly Scripts _scripts = new();
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync() => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Programs:build:Executable"] = "/bin/sh",
        ["Surge:Programs:build:Arguments:0"] = _scripts.Write("stubborn4s.sh", Stubborn4s),
        ["Surge:Programs:build:Arguments:1"] = _scripts.Dir,
        ["Surge:Autoscale:Enabled"] = "false",
    });

    public async Task DisposeAsync()
    {
        await _surge.DisposeAsync();
        _scripts.Dispose();
    }

    [Fact]
    public async Task Cancel_RunningEventIgnoresSigterm_SuccessorStartsOnlyAfterItsProcessEnds()
    {
        var client = _surge.Client;
        var entity = $"build/{Guid.NewGuid():N}";
        var started = TaskSpec.Create("build").ForEntity(entity, "build.started");
        var finished = TaskSpec.Create("build").ForEntity(entity, "build.finished", after: "build.started");
        await client.SubmitAsync(started);
        var firstStart = await Eventually.ValueAsync(() => Task.FromResult(Line(started.Id, "start")), l => l is not null, "build.started running", TimeSpan.FromSeconds(20));
        await client.SubmitAsync(finished);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the scenario: cancelled 1.5 s into its run
        var cancelled = await client.CancelAsync(started.Id);
        Assert.Equal(TaskState.Cancelled, cancelled?.State);

        var next = await FaultSteps.FinalOrLastAsync(client, finished.Id, TimeSpan.FromSeconds(30));
        Assert.True(next is { State: TaskState.Succeeded }, $"build.finished: {FaultSteps.Show(next)}");
        var firstEnd = await ProcessEndAsync(started.Id, firstStart!);
        var secondStart = Time(Line(finished.Id, "start")!);
        output.WriteLine($"build.started ran {Time(firstStart!):F2}–{firstEnd:F2}; build.finished started {secondStart:F2} ({secondStart - firstEnd:+0.00;-0.00} s after)");

        Assert.True(secondStart >= firstEnd,
            $"build.finished started {firstEnd - secondStart:F2} s before build.started's process ended (cancelled 1.5 s in, it ignores SIGTERM and ran until {firstEnd:F2}): the entity's events overlapped");
    }

    // Its "end" line; if it was killed before writing one, when its pid disappeared (seen by polling).
    private async Task<double> ProcessEndAsync(string id, string startLine)
    {
        var pid = int.Parse(startLine.Split(' ')[2], CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => Line(id, "end") is not null || !Directory.Exists($"/proc/{pid}"), $"the process of {id} (pid {pid}) to end",
            TimeSpan.FromSeconds(15));
        return Line(id, "end") is { } end ? Time(end) : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    }

    private string? Line(string id, string kind)
    {
        var path = Path.Combine(_scripts.Dir, id);
        return File.Exists(path) ? File.ReadAllLines(path).FirstOrDefault(l => l.StartsWith(kind + " ", StringComparison.Ordinal)) : null;
    }

    private static double Time(string line) => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
}
