using System.Text.Json;
using Surge.Client;
using Surge.Programs;

namespace Surge.Cluster.Tests.Programs;

/// <summary>
/// A two-silo cluster with program types that probe their containment (issue 19, part 4). The silos run in this
/// process, so a variable set here is in the silos' environment, as <c>SURGE_REDIS</c> is in a real silo's.
/// </summary>
public sealed class ContainedProgramFixture : IAsyncLifetime
{
    public const string SiloSecret = "SURGE_TEST_CONTAINED_SECRET";

    public SurgeCluster Surge { get; private set; } = null!;
    public Scripts Scripts { get; } = new();

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(SiloSecret, "the silo's, not the program's");
        Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            ["Surge:Programs:env:Executable"] = "/usr/bin/env",
            ["Surge:Programs:env:Environment:GREETING"] = "hello",
            ["Surge:Programs:echo:Executable"] = "/bin/echo",
            ["Surge:Programs:echo:PayloadAs"] = "Arguments",
            ["Surge:Programs:forker:Executable"] = "/bin/sh",
            ["Surge:Programs:forker:Arguments:0"] = Scripts.Write("forker.sh", Scripts.Forker),
            ["Surge:Programs:forker:Arguments:1"] = Scripts.Dir,
            ["Surge:Programs:hog:Executable"] = "/bin/sh",
            ["Surge:Programs:hog:Arguments:0"] = Scripts.Write("hog.sh", Scripts.Hog),
            ["Surge:Programs:hog:MaxMemoryMb"] = "16",
            ["Surge:Policies:Types:hog:MaxAttempts"] = "1",
            ["Surge:Autoscale:Enabled"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await Surge.DisposeAsync();
        Scripts.Dispose();
        Environment.SetEnvironmentVariable(SiloSecret, null);
    }
}

public class ContainedProgramTests(ContainedProgramFixture fixture) : IClassFixture<ContainedProgramFixture>
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Run_ProgramReadingItsEnvironment_SeesNoSurgeVariableButItsTasksOwn()
    {
        Assert.NotNull(Environment.GetEnvironmentVariable(ContainedProgramFixture.SiloSecret)); // the silo has it
        var done = await _client.RunAsync(TaskSpec.Create("env", ""), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, done.State);
        using var result = JsonDocument.Parse(done.Result);
        var names = result.RootElement.GetProperty("stdout").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf('=')]).ToList();
        // SURGE_TASK_ID and SURGE_ATTEMPT are the task's own id and attempt; nothing else of the silo's reaches it.
        Assert.Equal(["SURGE_ATTEMPT", "SURGE_TASK_ID"], names.Where(n => n.StartsWith("SURGE_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(["GREETING", "PATH", "SURGE_ATTEMPT", "SURGE_TASK_ID"], names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("@x")]
    [InlineData("ok\n")]
    public async Task Submit_ProgramArgumentEscapingItsPattern_RefusedAtSubmission(string argument)
    {
        var spec = TaskSpec.Create("echo", JsonSerializer.Serialize(new { args = new[] { "fine", argument } }));
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(spec));
        Assert.Equal("payload.args[1]", e.Field);
        Assert.Null(await _client.GetStatusAsync(spec.Id));
    }

    [Fact]
    public async Task Run_ProgramThatForksASleeperAndExits_SleeperIsGone()
    {
        var pidFile = Path.Combine(fixture.Scripts.Dir, "sleeper.pid");
        File.Delete(pidFile);
        var done = await _client.RunAsync(TaskSpec.Create("forker", ""), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, done.State);
        var sleeper = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => !ProcessTree.IsAlive(sleeper), $"sleeper {sleeper} gone with the program that left it", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_ProgramOverMaxMemoryMb_KilledAndFailedWithMemoryLimit()
    {
        var failed = await _client.RunAsync(TaskSpec.Create("hog", ""), TimeSpan.FromSeconds(25)); // its sleep alone is 30 s
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Contains("memory limit", failed.Error);
        Assert.Contains(nameof(ProgramMemoryLimitException), failed.Error);
    }
}
