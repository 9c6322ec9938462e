using System.Text.Json;
using Surge.Client;
using Surge.Programs;

namespace Surge.Cluster.Tests.Programs;

/// <summary>Program tasks configured under Surge:Programs on a two-silo cluster, through the client.</summary>
public class ProgramTaskTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Run_ConfiguredProgram_ResultCarriesExitCodeAndOutput()
    {
        var done = await _client.RunAsync(TaskSpec.Create("echo", """{"args":["alpha"]}"""), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, done.State);
        using var result = JsonDocument.Parse(done.Result);
        Assert.Equal(0, result.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal("args: fixed alpha\n", result.RootElement.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Submit_PayloadNamingAnExecutable_RefusedNothingRecorded()
    {
        var spec = TaskSpec.Create("echo", """{"executable":"/bin/rm","args":["x"]}""");
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(spec));
        Assert.Equal("payload.executable", e.Field);
        Assert.Null(await _client.GetStatusAsync(spec.Id));
    }

    [Fact]
    public async Task Submit_ProgramTypeNotAllowListed_Refused()
    {
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SubmitAsync(TaskSpec.Create("rm", """{"args":["-rf","/"]}""")));
        Assert.Equal("type", e.Field);
        Assert.Contains("registered types:", e.Message);
        Assert.Contains("echo", e.Message);
    }

    [Fact]
    public async Task Run_ProgramPastItsHardLimit_FailsAndItsChildrenAreKilled()
    {
        File.Delete(Path.Combine(fixture.Scripts.Dir, "child.pid"));
        var failed = await _client.RunAsync(TaskSpec.Create("hang"), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Matches("(soft|hard) time limit", failed.Error);
        var child = int.Parse(File.ReadAllText(Path.Combine(fixture.Scripts.Dir, "child.pid")).Trim());
        await Eventually.TrueAsync(() => !ProcessTree.IsAlive(child), $"child {child} killed with its program at the hard limit", TimeSpan.FromSeconds(5));
    }
}
