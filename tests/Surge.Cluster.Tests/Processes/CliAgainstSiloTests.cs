using Surge.Testing;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Surge.Cluster.Tests.Processes;

/// <summary>The `surge` CLI as its own process, against a silo process, through the Orleans client.</summary>
[Collection("silo-process")]
public class CliAgainstSiloTests(SiloProcessFixture silo)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Submit_WithWait_PrintsSucceeded()
    {
        using var cli = await silo.SurgeAsync(Quick, "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--feature", "kind=report", "--wait");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Contains("Succeeded", cli.Stdout);
    }

    [Fact]
    public async Task Submit_UnknownType_ExitsOneNamingTheField()
    {
        using var cli = await silo.SurgeAsync(Quick, "submit", "--type", "no-such-type");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("type: no handler is registered for 'no-such-type'", cli.Stderr);
    }

    [Fact]
    public async Task Dead_FailedTask_ListedShownRetriedPurged()
    {
        var id = Guid.NewGuid().ToString("N");
        using (var failed = await silo.SurgeAsync(Quick, "submit", "--type", "simulate", "--id", id, "--payload", "{\"duration_ms\":\"soon\"}", "--wait"))
            Assert.Contains("Failed", failed.Stdout);
        using (var list = await silo.SurgeAsync(Quick, "dead", "list", "--max", "1000"))
        {
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Contains(id, list.Stdout);
            Assert.Contains("ArgumentException", list.Stdout);
        }
        using (var show = await silo.SurgeAsync(Quick, "dead", "show", id))
            Assert.Contains("dead:      yes", show.Stdout);
        using (var retry = await silo.SurgeAsync(Quick, "dead", "retry", id))
            Assert.True(retry.ExitCode == 0, retry.Stderr);
        using (var again = await silo.SurgeAsync(Quick, "submit", "--type", "simulate", "--id", id, "--payload", "{\"duration_ms\":\"soon\"}", "--wait"))
            Assert.Contains("Failed", again.Stdout); // the same task, followed until the retry failed for good again
        using (var purge = await silo.SurgeAsync(Quick, "dead", "purge", id))
            Assert.Contains("purged 1 dead letter(s)", purge.Stdout);
        using (var gone = await silo.SurgeAsync(Quick, "dead", "purge", id))
        {
            // As show and retry do: a task that is no dead letter is an error (it exited 0, "purged 0").
            Assert.Equal(1, gone.ExitCode);
            Assert.Contains($"no dead letter has id '{id}'", gone.Stderr);
        }
        using (var bad = await silo.SurgeAsync(Quick, "dead", "purge"))
            Assert.Equal(2, bad.ExitCode); // a task id or --all, on purpose
    }

    [Fact]
    public async Task Schedule_AddListRemove_AndBadCronNamed()
    {
        var name = $"nightly-{Guid.NewGuid():N}";
        using (var add = await silo.SurgeAsync(Quick, "schedule", "add", name, "--cron", "0 2 * * *", "--type", "simulate", "--payload", "{\"duration_ms\":1}"))
        {
            Assert.True(add.ExitCode == 0, add.Stderr);
            Assert.Contains("02:00:00", add.Stdout); // its next instant
        }
        using (var list = await silo.SurgeAsync(Quick, "schedule", "list"))
            Assert.Contains(name, list.Stdout);
        using (var bad = await silo.SurgeAsync(Quick, "schedule", "add", "broken", "--cron", "* *", "--type", "simulate"))
        {
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("cron: '* *' has 2 fields", bad.Stderr);
        }
        using (var remove = await silo.SurgeAsync(Quick, "schedule", "remove", name))
            Assert.Contains($"removed schedule '{name}'", remove.Stdout);
        using (var list = await silo.SurgeAsync(Quick, "schedule", "list"))
            Assert.DoesNotContain(name, list.Stdout);
    }

    [Fact]
    public async Task Cancel_RunningTask_PrintsCancelled()
    {
        using var submit = await silo.SurgeAsync(Quick, "submit", "--type", "simulate", "--payload", "{\"duration_ms\":60000}");
        var id = submit.Stdout.Split('\n').First(l => l.StartsWith("id:", StringComparison.Ordinal))[3..].Trim();
        using var cancel = await silo.SurgeAsync(Quick, "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Contains("Cancelled", cancel.Stdout);
        using var again = await silo.SurgeAsync(Quick, "cancel", id);
        Assert.True(again.ExitCode == 0, again.Stderr); // safe to repeat
        Assert.Contains("Cancelled", again.Stdout);
    }

    // SIGTERM (a supervisor, `timeout 60 surge …`, a cancelled CI job) went to the connection's host, which stopped
    // itself but not the command: a `submit --wait` went on waiting (alive 40 s after the signal). It ends as Ctrl+C
    // does; the task goes on.
    [Fact]
    public async Task SubmitWait_Terminated_EndsCancelledAndTheTaskGoesOn()
    {
        var id = Guid.NewGuid().ToString("N");
        using var cli = ChildProcess.StartDotnet(Repo.CliDll, "submit", "--type", "simulate", "--id", id, "--payload", "{\"duration_ms\":60000}",
            "--feature", "kind=report", "--wait", "--gateway", silo.Gateway);
        using var host = await silo.ClientAsync();
        var client = host.Services.GetRequiredService<Surge.Client.ISurgeClient>();
        await Eventually.TrueAsync(async () => (await client.GetStatusAsync(id))?.State == TaskState.Running, $"{id} running", Quick);

        Signals.Terminate(cli.Pid);
        try
        {
            await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"surge submit --wait still ran 30 s after SIGTERM; stderr:\n{cli.Stderr}");
        }

        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("surge: cancelled", cli.Stderr);
        Assert.Equal(TaskState.Running, (await client.GetStatusAsync(id))?.State);
        await client.CancelAsync(id);
    }

    [Fact]
    public async Task Status_WithoutId_PrintsPoolsTable()
    {
        using var cli = await silo.SurgeAsync(Quick, "status");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Contains("POOL", cli.Stdout);
        Assert.Contains(" short ", cli.Stdout);
        Assert.Contains(" long ", cli.Stdout);
    }

    [Fact]
    public async Task ReadCommands_OutputJson_OneDocumentEach()
    {
        using var submit = await silo.SurgeAsync(Quick, "submit", "--type", "simulate", "--payload", "{\"duration_ms\":5}", "--wait", "--output", "json");
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var id = Json(submit).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", Json(submit).GetProperty("state").GetString());

        using var status = await silo.SurgeAsync(Quick, "status", id, "--output", "json");
        Assert.Equal((id, "Succeeded"), (Json(status).GetProperty("id").GetString(), Json(status).GetProperty("state").GetString()));
        using var pools = await silo.SurgeAsync(Quick, "status", "--output", "json");
        Assert.Contains(Json(pools).EnumerateArray(), p => p.GetProperty("pool").GetString() == "Short");
        foreach (var list in (string[][])[["dead", "list"], ["schedule", "list"], ["autoscale", "history"]])
        {
            using var cli = await silo.SurgeAsync(Quick, [.. list, "--output", "json"]);
            Assert.True(cli.ExitCode == 0, cli.Stderr);
            Assert.Equal(JsonValueKind.Array, Json(cli).ValueKind);
        }
    }

    private static JsonElement Json(ChildProcess cli)
    {
        using var doc = JsonDocument.Parse(cli.Stdout); // the whole of stdout is one document
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Replay_BundledOrderedSample_AllCompleteInOrder()
    {
        var report = await ReplayAsync(Path.Combine(Repo.Samples, "ordered-300.jsonl"));
        Assert.Equal(600, report.GetProperty("completed").GetInt32());
        Assert.Equal(0, report.GetProperty("ordering_violations").GetInt32());
    }

    [Fact]
    public async Task Replay_GeneratedOrdered2000_NoOrderingViolation()
    {
        var workload = Path.Combine(Path.GetTempPath(), $"ordered-2000-{Guid.NewGuid():N}.jsonl");
        Surge.Replay.Generation.WorkloadGenerator.Write(new(Surge.Replay.Generation.WorkloadKind.Ordered, N: 2000), workload);
        var report = await ReplayAsync(workload);
        Assert.Equal(4000, report.GetProperty("completed").GetInt32());
        Assert.Equal(0, report.GetProperty("ordering_violations").GetInt32());
    }

    private async Task<JsonElement> ReplayAsync(string workload)
    {
        var output = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.json");
        using var cli = await silo.SurgeAsync(TimeSpan.FromMinutes(3), "replay", workload, "--out", output);
        Assert.True(cli.ExitCode == 0, $"exit {cli.ExitCode}: {cli.Stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        Assert.Equal(0, report.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("rejected").GetInt32());
        return report.RootElement.Clone();
    }
}
