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

    private static ProgramHandler Handler(ProgramOptions options, TaskPolicy? policy = null, TimeProvider? time = null, ProgramLifeline? lifeline = null)
        => new("prog", options, policy ?? new TaskPolicy(), lifeline is null ? ProgramHost.Detect() : ProgramHost.Detect() with { Lifeline = lifeline }, time ?? TimeProvider.System);

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

    // Linux hands out pids in turn and reuses them: a child the program started and that exited long ago may be another
    // process by the time the program ends. Ending the program must not kill it. (The test steers the kernel's next pid
    // to the dead child's, as wrap-around would.)
    [Fact]
    public async Task Run_AChildsPidReusedByAnotherProcess_ThatProcessSurvivesTheEnd()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"surge-child-{Guid.NewGuid():N}.pid");
        var script = _scripts.Write("child.sh", $"sleep 0.3 & echo $! > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; wait; sleep 1.5\n");
        var run = Handler(new ProgramOptions { Executable = "/bin/sh", Arguments = [script] }).HandleAsync(Context(""), CancellationToken.None).AsTask();
        await Eventually.TrueAsync(() => File.Exists(pidFile), "the child started");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(pidFile);
        await Eventually.TrueAsync(() => !File.Exists($"/proc/{child}/stat"), "the child exited");

        System.Diagnostics.Process? other = null;
        for (var attempt = 0; attempt < 20 && other?.Id != child; attempt++)
        {
            other?.Kill();
            other?.WaitForExit();
            File.WriteAllText("/proc/sys/kernel/ns_last_pid", (child - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            other = System.Diagnostics.Process.Start("/bin/sleep", "30");
        }
        using var reused = other!;
        Assert.Equal(child, reused.Id);

        await run; // the program ends, and its processes are signalled
        var killed = reused.WaitForExit(1_000);
        if (!killed) reused.Kill();
        Assert.False(killed, $"pid {child}, reused by another process, was killed when the program ended");
    }

    [Fact]
    public async Task Run_NonZeroExit_FailsWithCodeAndStderr()
    {
        var e = await Assert.ThrowsAsync<ProgramFailedException>(async () => await Handler(EchoScript("EXIT=3")).HandleAsync(Context("""{"args":[]}"""), CancellationToken.None));
        Assert.Contains("exited with code 3", e.Message);
        Assert.Contains("to stderr", e.Message);
    }

    // MaxOutputBytes bounds what a result carries, not why a run failed: the error still quotes its stderr.
    [Fact]
    public async Task Run_NonZeroExitWithNoOutputKept_ErrorStillQuotesStderr()
    {
        var options = EchoScript("EXIT=3");
        options.MaxOutputBytes = 0;
        var e = await Assert.ThrowsAsync<ProgramFailedException>(async () => await Handler(options).HandleAsync(Context("""{"args":[]}"""), CancellationToken.None));
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

    [Fact]
    public async Task Run_Program_LeadsAProcessGroupOfItsOwn()
    {
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("group.sh", Scripts.Group)] };
        using var result = JsonDocument.Parse(await Handler(options).HandleAsync(Context(""), CancellationToken.None));
        var ids = result.RootElement.GetProperty("stdout").GetString()!.Split(' ', StringSplitOptions.TrimEntries);
        Assert.Equal(ids[0], ids[1]); // its pid is its group's id: it leads it
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ids[1]);
    }

    [Fact]
    public async Task Run_ProgramForksASleeperAndExits_SleeperIsGone()
    {
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("forker.sh", Scripts.Forker), _scripts.Dir] };
        using var result = JsonDocument.Parse(await Handler(options).HandleAsync(Context(""), CancellationToken.None));
        Assert.Equal(0, result.RootElement.GetProperty("exit_code").GetInt32());
        var sleeper = int.Parse(File.ReadAllText(Path.Combine(_scripts.Dir, "sleeper.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => !ProcessTree.IsAlive(sleeper), $"sleeper {sleeper} stopped with the program that left it", TimeSpan.FromSeconds(10));
    }

    // A silo killed with kill -9 (or crashing) runs no code of its own after: the kernel releases the lock it held,
    // and each of its programs' watchdogs, which waited for it, kills its group. Releasing a lifeline the test holds
    // (as the silo's process does) shows the same in this process.
    [Fact]
    public async Task Run_SilosLifelineReleased_ProgramAndItsChildAreKilled()
    {
        using var lifeline = new ProgramLifeline(_scripts.Dir);
        var script = _scripts.Write("long.sh", Long);
        var run = Handler(new ProgramOptions { Executable = "/bin/sh", Arguments = [script, _scripts.Dir] }, lifeline: lifeline).HandleAsync(Context(""), CancellationToken.None).AsTask();
        var pids = await PidsAsync();

        lifeline.Dispose();
        await Eventually.TrueAsync(() => !pids.Any(ProcessTree.IsAlive), $"the program and its child ({string.Join(",", pids)}) killed", TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ProgramFailedException>(() => run); // killed: here the handler sees it; a dead silo would not
    }

    // A silo killed with kill -9 leaves its lock file: the next lifeline made in that folder removes it, and only it.
    [Fact]
    public void Path_ADeadSilosLockFileLeftBehind_RemovedAndAHeldOneKept()
    {
        var dead = Path.Combine(_scripts.Dir, "surge-silo-1-dead.lock");
        File.WriteAllText(dead, "");
        using var held = new ProgramLifeline(_scripts.Dir);
        var heldPath = held.Path;
        using var next = new ProgramLifeline(_scripts.Dir);
        _ = next.Path;
        Assert.False(File.Exists(dead), "a lock file nobody holds was left");
        Assert.True(File.Exists(heldPath), "a live silo's lock file was removed");
    }

    // A cancelled program gets SIGTERM and its grace: its watchdog ignores that signal, so a silo that dies during the
    // grace still takes the program with it.
    [Fact]
    public async Task Cancel_LifelineReleasedDuringTheGrace_ProgramIgnoringSigtermIsKilled()
    {
        using var lifeline = new ProgramLifeline(_scripts.Dir);
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("stubborn.sh", Scripts.Stubborn), _scripts.Dir] };
        using var cancel = new CancellationTokenSource();
        // A grace of 10 minutes: the hard limit does not come within the test.
        var run = Handler(options, new TaskPolicy { HardLimitGrace = TimeSpan.FromMinutes(10) }, lifeline: lifeline).HandleAsync(Context(""), cancel.Token).AsTask();
        var pidFile = Path.Combine(_scripts.Dir, "child.pid");
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the program to write its child's pid");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        cancel.Cancel(); // SIGTERM to the group, sent before Cancel returns: ignored by the program and its child
        Assert.True(ProcessTree.IsAlive(child));
        lifeline.Dispose();
        await Eventually.TrueAsync(() => !ProcessTree.IsAlive(child), $"child {child} killed during its grace", TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    // The watchdog is in the program's group: the group's kill as the program ends takes it too, nothing lingers.
    [Fact]
    public async Task Run_ProgramEnds_NothingOfItsGroupIsLeft()
    {
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("group.sh", Scripts.Group)] };
        using var result = JsonDocument.Parse(await Handler(options).HandleAsync(Context(""), CancellationToken.None));
        var group = int.Parse(result.RootElement.GetProperty("stdout").GetString()!.Split(' ', StringSplitOptions.TrimEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => !InGroup(group).Any(), $"group {group} empty (left: {string.Join(",", InGroup(group))})", TimeSpan.FromSeconds(5));
    }

    // In a wave, stdout is the step's output pipe, recorded whole or not at all. A program whose stdout another process
    // holds (one it started that escaped its group, or any that opened the pipe) cannot say when its output ends:
    // before, whatever was read 1 s after its exit was recorded as the pipe (a silo short of CPU recorded a step's
    // output empty: WaveCrashTests under load). The step now fails, naming the cause, once the output grace is over (the
    // test's clock passes it at once). The holder here is no descendant of the program: it opens the program's stdout
    // through /proc. A descendant that escapes through a subshell is killed if the program's watcher (every 20 ms) saw
    // it in the tree before the subshell exited, which made the first version of this test pass or fail by chance.
    [Fact]
    public async Task Run_InAWaveStdoutHeldOpenPastItsExit_FailsRatherThanRecordAPipeThatMayBeCut()
    {
        var (pidFile, heldFile) = (Path.Combine(_scripts.Dir, "program.pid"), Path.Combine(_scripts.Dir, "held"));
        var script = _scripts.Write("held.sh", $"cat; echo $$ > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; while [ ! -f {heldFile} ]; do sleep 0.05; done\n");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var step = new FlowStep("w1", "f", "step", "v1", "e1", "2026-11-29", false, ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty, []);
        var context = new TaskContext
        {
            TaskId = Guid.NewGuid().ToString("N"), Type = "prog", Payload = Encoding.UTF8.GetBytes("{}"), Flow = step,
            Features = ImmutableDictionary<string, FeatureValue>.Empty,
        };
        var run = Handler(new ProgramOptions { Executable = "/bin/sh", Arguments = [script] }, time: clock).HandleAsync(context, CancellationToken.None).AsTask();
        System.Diagnostics.Process? holder = null;
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(pidFile)), "the program to write its pid", TimeSpan.FromSeconds(30));
            var program = File.ReadAllText(pidFile).Trim();
            holder = System.Diagnostics.Process.Start("/bin/sh", ["-c", $"exec 3>/proc/{program}/fd/1; touch {heldFile}; exec sleep 60"]);
            await Eventually.TrueAsync(() =>
            {
                clock.Advance(TimeSpan.FromSeconds(1)); // the program's exit, then the output grace, on the test's clock
                return Task.FromResult(run.IsCompleted);
            }, "the run to end", TimeSpan.FromSeconds(30));
            var failed = await Assert.ThrowsAsync<ProgramFailedException>(() => run);
            Assert.Contains("stdout was still open", failed.Message);
        }
        finally
        {
            holder?.Kill();
            holder?.Dispose();
        }
    }

    // The silo's lock file is in its temporary folder, which a program run as another user may be unable to enter (a
    // TMPDIR under root's home, a 0700 folder) or whose file it may be unable to read (a umask of 077). Its watchdog
    // must still wait on the lock: before, flock failed at once and the watchdog killed the program as it started,
    // exit 137 and not a word why.
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix modes
    public async Task Run_AsAnotherUserWithTheLockInAFolderItCannotEnter_RunsWatchedAndDiesWithTheLifeline()
    {
        var host = ProgramHost.Detect();
        Assert.True(host.CanSwitchUsers && host.Setpriv is not null, "runs as root with util-linux's setpriv, as CI does");
        var locks = Directory.CreateTempSubdirectory("surge-locks-"); // 0700: the silo's user alone may enter it
        try
        {
            using var lifeline = new ProgramLifeline(locks.FullName);
            File.SetUnixFileMode(_scripts.Dir, (UnixFileMode)0b111_101_101); // 0755
            var shared = Path.Combine(_scripts.Dir, "shared");
            Directory.CreateDirectory(shared);
            File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111); // 0777: where the program, as nobody, writes its pids
            var options = new ProgramOptions { Executable = "/bin/sh", Arguments = ["-c", Long, "long", shared], RunAsUser = 65534 };
            var run = Handler(options, lifeline: lifeline).HandleAsync(Context(""), CancellationToken.None).AsTask();
            var pidFile = Path.Combine(shared, "pids");
            await Eventually.TrueAsync(() => run.IsCompleted || File.Exists(pidFile), "the program to start");
            if (run.IsCompleted) await run; // killed as it started: shows how
            var pids = await PidsAsync(shared);
            Assert.All(pids, pid => Assert.Equal("65534", UidOf(pid)));
            await Eventually.TrueAsync(() => run.IsCompleted || InGroup(pids[0]).Any(p => Name(p) == "flock"), "its watchdog to wait on the lock");
            if (run.IsCompleted) await run;

            lifeline.Dispose();
            await Eventually.TrueAsync(() => !pids.Any(ProcessTree.IsAlive), $"the program and its child ({string.Join(",", pids)}) killed", TimeSpan.FromSeconds(5));
            await Assert.ThrowsAsync<ProgramFailedException>(() => run);
        }
        finally
        {
            locks.Delete(recursive: true);
        }
    }

    // Each watchdog gets the lock already open, so nobody else needs to open the file: a program run as another user
    // cannot (before: mode 0644, and it could take the lock itself as the silo died, ahead of its watchdog).
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix modes
    public async Task Path_LockFile_AProgramRunAsAnotherUserCannotOpenIt()
    {
        File.SetUnixFileMode(_scripts.Dir, (UnixFileMode)0b111_101_101); // 0755: the folder is no obstacle
        using var lifeline = new ProgramLifeline(_scripts.Dir);
        var open = new ProgramOptions { Executable = "/bin/sh", Arguments = ["-c", "exec 9<\"$0\"", lifeline.Path], RunAsUser = 65534 };

        var e = await Assert.ThrowsAsync<ProgramFailedException>(async () => await Handler(open, lifeline: lifeline).HandleAsync(Context(""), CancellationToken.None));
        Assert.Contains("Permission denied", e.Message, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lifeline.Path));
    }

    // A watchdog that cannot wait on the lock (a file system without flock, say) still kills its program, which is not
    // to run unwatched; the task's error says so, and what to do, rather than a bare "exited with code 137".
    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(0)] // no output kept for the result: the watchdog's line is read all the same
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix modes
    public async Task Run_WatchdogCannotTakeTheLock_FailsNamingTheCauseAndTheFix(int maxOutputBytes)
    {
        using var lifeline = new ProgramLifeline(_scripts.Dir);
        var flock = _scripts.Write("flock", "echo 'flock: failed to get lock: No locks available' >&2; exit 1");
        File.SetUnixFileMode(flock, (UnixFileMode)0b111_101_101);
        var host = ProgramHost.Detect() with { Lifeline = lifeline, Flock = flock };
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("long.sh", Long), _scripts.Dir], MaxOutputBytes = maxOutputBytes };

        var e = await Assert.ThrowsAsync<ProgramFailedException>(async () =>
            await new ProgramHandler("prog", options, new TaskPolicy(), host, TimeProvider.System).HandleAsync(Context(""), CancellationToken.None));
        Assert.Contains("watchdog", e.Message, StringComparison.Ordinal);
        Assert.Contains(lifeline.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("No locks available", e.Message, StringComparison.Ordinal); // the cause
        Assert.Contains("TMPDIR", e.Message, StringComparison.Ordinal); // the fix
    }

    // Runs until killed, with a child: writes "its pid, its child's" to $1/pids.
    private const string Long = """
        sleep 600 &
        echo "$$ $!" > "$1/pids.tmp"; mv "$1/pids.tmp" "$1/pids"
        wait
        """;

    private async Task<int[]> PidsAsync(string? dir = null)
    {
        var file = Path.Combine(dir ?? _scripts.Dir, "pids");
        await Eventually.TrueAsync(() => File.Exists(file), "the program to start");
        return [.. File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];
    }

    // A process may be gone between listing and reading: no name.
    private static string Name(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    // The real user id (first of the Uid: line of /proc/PID/status).
    private static string UidOf(int pid) => File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
        .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

    private static IEnumerable<int> InGroup(int group) => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Where(pid => pid > 0 && ProcessTree.GroupOf(pid) == group && ProcessTree.IsAlive(pid)).ToList();

    [Fact]
    public async Task Run_OverMaxMemoryMb_GroupKilledAndFailsWithMemoryLimit()
    {
        var options = new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("hog.sh", Scripts.Hog)], MaxMemoryMb = 16 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ProgramMemoryLimitException>(async () => await Handler(options).HandleAsync(Context(""), CancellationToken.None));
        Assert.Contains("memory limit of 16 MB", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}: killed only when its 30 s sleep ended?");
    }

    [Fact]
    public async Task Run_Environment_OnlyPathWhatItsConfigurationNamesAndItsTask()
    {
        Environment.SetEnvironmentVariable("SURGE_TEST_SILO_SECRET", "from-the-silo"); // as SURGE_REDIS would be, in this process
        var options = new ProgramOptions
        {
            Executable = "/usr/bin/env", Environment = new() { ["GREETING"] = "hello" }, InheritEnvironment = ["SURGE_TEST_NOWHERE_SET", "HOME"],
        };
        var context = Context("");
        using var result = JsonDocument.Parse(await Handler(options).HandleAsync(context, CancellationToken.None));
        var variables = result.RootElement.GetProperty("stdout").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        string[] expected = ["GREETING", "PATH", "SURGE_ATTEMPT", "SURGE_TASK_ID", .. Environment.GetEnvironmentVariable("HOME") is null ? Array.Empty<string>() : ["HOME"]];
        Assert.Equal(expected.Order(StringComparer.Ordinal), variables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(context.TaskId, variables["SURGE_TASK_ID"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), variables["PATH"]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix modes
    public async Task Run_AsAnotherUser_CannotReadATokenOnlyTheSilosUserMay()
    {
        var host = ProgramHost.Detect();
        Assert.True(host.CanSwitchUsers && host.Setpriv is not null, "runs as root with util-linux's setpriv, as CI does");
        var shared = Path.Combine(_scripts.Dir, "secrets");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(_scripts.Dir, (UnixFileMode)0b111_101_101); // 0755: the path is open to every user
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_101_101);
        var token = Path.Combine(shared, "token");
        File.WriteAllText(token, "eyJ-the-silo's");
        File.SetUnixFileMode(token, UnixFileMode.UserRead); // 0400, the silo's user alone

        var asSilo = new ProgramOptions { Executable = "/bin/cat", Arguments = [token] };
        using (var read = JsonDocument.Parse(await Handler(asSilo).HandleAsync(Context(""), CancellationToken.None)))
            Assert.Equal("eyJ-the-silo's", read.RootElement.GetProperty("stdout").GetString());
        var asNobody = new ProgramOptions { Executable = "/bin/cat", Arguments = [token], RunAsUser = 65534 };
        var e = await Assert.ThrowsAsync<ProgramFailedException>(async () => await Handler(asNobody).HandleAsync(Context(""), CancellationToken.None));
        Assert.Contains("Permission denied", e.Message);
        var id = new ProgramOptions { Executable = "/usr/bin/id", RunAsUser = 65534 };
        using var who = JsonDocument.Parse(await Handler(id).HandleAsync(Context(""), CancellationToken.None));
        Assert.StartsWith("uid=65534", who.RootElement.GetProperty("stdout").GetString());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData("@x")]
    [InlineData("ok\n")]
    [InlineData("-rf")]
    [InlineData("/etc/passwd")]
    [InlineData("a/b")]
    [InlineData("msl:x")]
    [InlineData("")]
    public void Validate_DefaultPattern_RefusesPathsOptionsAndNewlines(string argument)
    {
        var payload = JsonSerializer.Serialize(new { args = new[] { argument } });
        var e = Assert.Throws<SurgeValidationException>(() => Handler(EchoScript()).Validate(TaskSpec.Create("prog", payload)));
        Assert.Equal("payload.args[0]", e.Field);
    }

    [Theory]
    [InlineData("photo.jpg")]
    [InlineData("100x100")]
    [InlineData("a=b,c+d")]
    [InlineData("user@host")]
    [InlineData("v1.2-rc_3")]
    public void Validate_DefaultPattern_AcceptsPlainNames(string argument)
        => Handler(EchoScript()).Validate(TaskSpec.Create("prog", JsonSerializer.Serialize(new { args = new[] { argument } })));

    [Fact]
    public void Validate_NewlineWithALoosePattern_StillRefused()
    {
        var options = EchoScript();
        options.ArgumentPattern = "^.*$"; // '$' matches before a final newline
        var e = Assert.Throws<SurgeValidationException>(() => Handler(options).Validate(TaskSpec.Create("prog", """{"args":["ok\n"]}""")));
        Assert.Contains("control character", e.Message);
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
