using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Surge.Policies;
using Surge.Programs;
using Surge.Workers;

namespace Surge.Cluster.Tests.Programs;

/// <summary>The program handler running real shell scripts (real processes; the real clock, but where a limit is timed).</summary>
public class ProgramHandlerTests : IDisposable
{
    private readonly Scripts _scripts = new();

    public void Dispose() => _scripts.Dispose();

    private static TaskContext Context(string payload) => new()
    {
        TaskId = Guid.NewGuid().ToString("N"), Type = "prog", Payload = Encoding.UTF8.GetBytes(payload),
        Features = ImmutableDictionary<string, FeatureValue>.Empty,
    };

    private static ProgramHandler Handler(ProgramOptions options, TaskPolicy? policy = null, TimeProvider? time = null)
        => new("prog", options, policy ?? new TaskPolicy(), time ?? TimeProvider.System);

    private ProgramOptions EchoScript(params string[] environment) => new()
    {
        Executable = "/bin/sh", Arguments = [_scripts.Write("echo.sh", Scripts.Echo), "fixed"], PayloadAs = PayloadDelivery.Arguments,
        Environment = environment.Select(e => e.Split('=')).ToDictionary(e => e[0], e => e[1]),
    };

    [Fact]
    public async Task Run_ScriptWithArguments_ReportsExitCodeOutputWallTimeAndPeakMemory()
    {
        var context = Context("""{"args":["alpha","beta"]}""");
        using var result = JsonDocument.Parse(await Handler(EchoScript()).HandleAsync(context, CancellationToken.None));
        var root = result.RootElement;
        Assert.Equal(0, root.GetProperty("exit_code").GetInt32());
        Assert.Equal("args: fixed alpha beta\n", root.GetProperty("stdout").GetString()); // fixed arguments first, then the payload's
        Assert.Equal("to stderr\n", root.GetProperty("stderr").GetString());
        Assert.True(root.GetProperty("wall_ms").GetDouble() >= 300);
        Assert.True(root.GetProperty("peak_memory_mb").GetDouble() >= 30, $"peak {root.GetProperty("peak_memory_mb")} MB");
        Assert.Equal(root.GetProperty("peak_memory_mb").GetDouble(), context.MemoryMb, 0.1); // what history learns from
    }

    [Fact]
    public async Task Run_NonZeroExit_FailsWithCodeAndStderr()
    {
        var e = await Assert.ThrowsAsync<ProgramFailedException>(async () => await Handler(EchoScript("EXIT=3")).HandleAsync(Context("""{"args":[]}"""), CancellationToken.None));
        Assert.Contains("exited with code 3", e.Message);
        Assert.Contains("to stderr", e.Message);
    }

    [Fact]
    public async Task Run_Stdin_PayloadIsTheInputAndOutputIsBounded()
    {
        var handler = Handler(new ProgramOptions { Executable = "/bin/cat", MaxOutputBytes = 5 });
        using var result = JsonDocument.Parse(await handler.HandleAsync(Context("hello world"), CancellationToken.None));
        Assert.Equal("hello", result.RootElement.GetProperty("stdout").GetString());
        Assert.Equal(6, result.RootElement.GetProperty("stdout_dropped_bytes").GetInt64());
    }

    [Fact]
    public async Task Cancel_ProgramIgnoringSigterm_TreeKilledAtHardLimit()
    {
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("stubborn.sh", Scripts.Stubborn), _scripts.Dir] };
        var time = new FakeTimeProvider(); // the hard limit is timed on it: the test moves it, 50 ms a step
        using var cancel = new CancellationTokenSource();
        var run = Handler(options, new TaskPolicy { HardLimitGrace = TimeSpan.FromMilliseconds(500) }, time).HandleAsync(Context(""), cancel.Token).AsTask();
        var pidFile = Path.Combine(_scripts.Dir, "child.pid");
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the program to write its child's pid");
        var child = int.Parse(File.ReadAllText(pidFile).Trim());

        var cancelledAt = time.GetTimestamp();
        cancel.Cancel(); // as a cancel request or the soft limit does: SIGTERM, ignored
        await Eventually.TrueAsync(() =>
        {
            if (!run.IsCompleted) time.Advance(TimeSpan.FromMilliseconds(50));
            return run.IsCompleted;
        }, "the run to end", TimeSpan.FromSeconds(10));
        var ended = time.GetElapsedTime(cancelledAt);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.InRange(ended, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5)); // SIGKILL at the hard limit, never before
        Assert.False(ProcessTree.IsAlive(child), $"child {child} of the program survived");
    }

    [Theory]
    [InlineData("""{"args":["x"],"executable":"/bin/rm"}""", "payload.executable")]
    [InlineData("""{"args":["-rf"]}""", "payload.args[0]")]
    [InlineData("""{"args":["ok","a b"]}""", "payload.args[1]")]
    [InlineData("""["x"]""", "payload")]
    public void Validate_PayloadReachingBeyondTheConfiguration_Refused(string payload, string field)
    {
        var e = Assert.Throws<SurgeValidationException>(() => Handler(EchoScript()).Validate(TaskSpec.Create("prog", payload)));
        Assert.Equal(field, e.Field);
    }
}
