using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Programs;

/// <summary>
/// Runs one allow-listed program per task: fixed executable and arguments from configuration, the payload on stdin
/// or as checked arguments. The result is JSON with the exit code, bounded stdout and stderr, wall time and peak
/// memory; a non-zero exit fails the task (and may retry). Contained: an environment of its own (PATH, what its
/// configuration names, its task id and attempt), a process group of its own that is killed whole when the program
/// ends, however it ends, a memory limit, and optionally another user id. Cancel or soft limit: SIGTERM to the group
/// and tree; at the hard limit (the type's <see cref="TaskPolicy.HardLimitGrace"/> later) SIGKILL. A stopping silo
/// does the same to what its drain gave up on, within what is left of its stop (<see cref="ProgramRuns"/>); a silo
/// that dies (kill -9, a crash) takes its programs' groups with it through their watchdogs (<see cref="ProgramLifeline"/>).
/// </summary>
internal sealed class ProgramHandler(string type, ProgramOptions options, TaskPolicy policy, ProgramHost host, TimeProvider time, ProgramRuns? runs = null)
    : ITaskHandler, IValidatingHandler
{
    private readonly ProgramRuns _runs = runs ?? new ProgramRuns(time);

    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(20);
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private readonly Regex _argument = new(options.ArgumentPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public void Validate(TaskSpec spec)
    {
        if (options.PayloadAs == PayloadDelivery.Arguments) _ = ArgumentsOf(spec.Payload);
    }

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var lifeline = host.LifelineFor();
        using var process = Process.Start(StartInfo(context, lifeline)) ?? throw new InvalidOperationException($"{options.Executable} did not start");
        var group = new ProgramGroup(process.Id, grouped: host.Setsid is not null);
        try
        {
            return await RunAsync(process, group, context, lifeline, cancellationToken);
        }
        finally
        {
            // Whichever way it ended: what is left of its group and tree goes too (children it left behind included).
            group.Signal(ProcessTree.SigKill);
        }
    }

    // How much of a program's stderr is kept whatever MaxOutputBytes says, to say why it failed (the watchdog's line,
    // the start of the error's quote).
    internal const int ErrorBytes = 4 * 1024;

    // How long after a program's exit its output may still be read: past it, something other than the program holds
    // its stdout open (see RunAsync).
    internal static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(10);

    private async Task<ReadOnlyMemory<byte>> RunAsync(Process process, ProgramGroup group, TaskContext context, string? lifeline, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var reads = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var stdout = new BoundedCapture(options.MaxOutputBytes);
        var stderr = new BoundedCapture(options.MaxOutputBytes, keepAtLeast: ErrorBytes);
        var reading = Task.WhenAll(stdout.ReadAsync(process.StandardOutput.BaseStream, reads.Token), stderr.ReadAsync(process.StandardError.BaseStream, reads.Token));
        var watch = WatchAsync(process, group);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        using var tracked = _runs.Add(group, exited, policy.HardLimitGrace);
        using (cancellationToken.Register(() => _ = group.StopAsync(exited, policy.HardLimitGrace, time)))
        {
            // A wave's task reads its inputs on stdin whatever PayloadAs says: there is nowhere else to put pipes.
            if (context.Flow is { } step) await WriteStdinAsync(process, FlowStdin.Of(step, context.Payload), always: true);
            else await WriteStdinAsync(process, context.Payload);
            await exited;
        }
        // Its children go with it, so the pipes they share close; one that escaped the group may still hold them:
        // the output so far is what the task gets. The wait is long enough for a silo short of CPU to read what the
        // program wrote before it exited (with 1 s, a loaded silo recorded a wave step's output empty or cut).
        group.Signal(ProcessTree.SigKill);
        reads.CancelAfter(OutputGrace);
        try { await reading; } catch (OperationCanceledException) { }
        var (peakBytes, overLimitBytes) = await watch;
        context.MemoryMb = peakBytes / (1024.0 * 1024.0);
        cancellationToken.ThrowIfCancellationRequested();
        var name = Path.GetFileName(options.Executable);
        // Whatever its exit code says (a program may exit 0 on SIGTERM), its work was cut short.
        if (tracked.StoppedBySilo) throw new ProgramFailedException($"{name} was stopped unfinished: the silo shut down");
        if (overLimitBytes is { } over)
            throw new ProgramMemoryLimitException($"{name} went over its memory limit of {options.MaxMemoryMb} MB ({Mb(over)} MB resident with its descendants) and was killed");
        // Killed by its watchdog as it started, which said why on its stderr: that, not a bare exit code 137.
        if (process.ExitCode != 0 && lifeline is not null && ProgramCommand.Unwatched(stderr.Kept) is { } why)
        {
            throw new ProgramFailedException($"{name} was killed as it started: its watchdog, which stops it if the silo dies, could not wait on the silo's lock file "
                + $"{lifeline} ({why}), and a program that cannot be watched does not run. The lock file is in the silo's temporary folder: point TMPDIR "
                + "at a local file system that supports flock (such as /tmp); if the file is gone (a clean-up of the folder removed it), restart the silo");
        }
        if (process.ExitCode != 0)
            throw new ProgramFailedException($"{name} exited with code {process.ExitCode}: {Tail(stderr.Kept, 500)}");
        if (context.Flow is not null)
        {
            // In a wave the program's stdout is its output pipe, whole or not at all: a cut pipe would be read as data.
            if (stdout.Dropped > 0)
                throw new ProgramFailedException($"its output is over {options.MaxOutputBytes} bytes (MaxOutputBytes); a pipe must fit whole, so write less or raise the limit");
            if (!stdout.Ended)
                throw new ProgramFailedException($"its stdout was still open {OutputGrace.TotalSeconds:0} s after {name} exited (a process it started outside " +
                    "its process group holds it), so its output may not be whole; a pipe must be, so let no process it starts outlive it with stdout open");
            return System.Text.Encoding.UTF8.GetBytes(stdout.Text);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new ProgramResult(process.ExitCode, stdout.Text, stderr.Text, stdout.Dropped, stderr.Dropped,
            time.GetElapsedTime(started).TotalMilliseconds, Math.Round(context.MemoryMb, 1)), ProgramResult.Json);
    }

    private ProcessStartInfo StartInfo(TaskContext context, string? lifeline)
    {
        // setsid makes the program the leader of a new session and process group, then execs it: same pid, no shell
        // between the silo and its arguments. Its watchdog kills the group if the silo dies first (ProgramCommand).
        var pwd = options.Environment.GetValueOrDefault("PWD") ?? (options.InheritEnvironment.Contains("PWD") ? System.Environment.GetEnvironmentVariable("PWD") : null);
        var command = ProgramCommand.Of(host, options, lifeline, pwd);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? "",
        };
        foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
        if (options.PayloadAs == PayloadDelivery.Arguments)
            foreach (var argument in ArgumentsOf(context.Payload)) info.ArgumentList.Add(argument);
        // Nothing of the silo's environment (SURGE_REDIS, cloud credentials) unless the configuration names it.
        info.Environment.Clear();
        info.Environment["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? DefaultPath;
        foreach (var variable in options.InheritEnvironment)
            if (System.Environment.GetEnvironmentVariable(variable) is { } value) info.Environment[variable] = value;
        foreach (var (variable, value) in options.Environment) info.Environment[variable] = value;
        info.Environment["SURGE_TASK_ID"] = context.TaskId;
        info.Environment["SURGE_ATTEMPT"] = context.Attempt.ToString(CultureInfo.InvariantCulture);
        return info;
    }

    private async Task WriteStdinAsync(Process process, ReadOnlyMemory<byte> payload, bool always = false)
    {
        try
        {
            if (always || options.PayloadAs == PayloadDelivery.Stdin) await process.StandardInput.BaseStream.WriteAsync(payload);
            process.StandardInput.Close(); // end of input, so a program reading stdin finishes
        }
        catch (IOException)
        {
            // The program exited without reading its input: its exit code says what happened.
        }
    }

    // Samples the tree while the program runs: its peak resident memory (a peak reached and released within the last
    // interval before exit is missed), and its memory now against MaxMemoryMb, past which the group is killed.
    private async Task<(long PeakBytes, long? OverLimitBytes)> WatchAsync(Process process, ProgramGroup group)
    {
        long peak = 0;
        var limit = options.MaxMemoryMb * 1024L * 1024L;
        while (!Exited(process))
        {
            var (resident, peakNow) = ProcessTree.Memory(group.Tree());
            peak = Math.Max(peak, peakNow);
            if (resident > limit)
            {
                group.Signal(ProcessTree.SigKill);
                return (peak, resident);
            }
            await Task.Delay(SampleEvery, time);
        }
        return (peak, null);
    }

    // A run that failed before its end was seen has disposed of the process: nothing is left to watch.
    private static bool Exited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    private List<string> ArgumentsOf(ReadOnlyMemory<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            throw new SurgeValidationException("payload", $"'{type}' takes {{\"args\": [\"...\"]}}; the payload is not JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SurgeValidationException("payload", $"'{type}' takes {{\"args\": [\"...\"]}}, not a {document.RootElement.ValueKind}");
            var arguments = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "args")
                    throw new SurgeValidationException($"payload.{property.Name}", $"program tasks of '{type}' run only the program configured for them; the payload may carry only 'args'");
                if (property.Value.ValueKind != JsonValueKind.Array)
                    throw new SurgeValidationException("payload.args", "give a list of strings");
                foreach (var item in property.Value.EnumerateArray())
                {
                    var i = arguments.Count;
                    if (item.ValueKind != JsonValueKind.String) throw new SurgeValidationException($"payload.args[{i}]", "give a string");
                    var argument = item.GetString()!;
                    if (argument.Any(char.IsControl)) // whatever the pattern: a newline or NUL is never an argument
                        throw new SurgeValidationException($"payload.args[{i}]", $"'{argument.ReplaceLineEndings("\\n")}' holds a control character (such as a newline), which no argument of '{type}' may");
                    if (!_argument.IsMatch(argument))
                        throw new SurgeValidationException($"payload.args[{i}]", $"'{argument}' is not allowed as an argument of '{type}': it must match {options.ArgumentPattern}");
                    arguments.Add(argument);
                }
            }
            if (arguments.Count > options.MaxArguments)
                throw new SurgeValidationException("payload.args", $"{arguments.Count} arguments; '{type}' takes at most {options.MaxArguments}");
            return arguments;
        }
    }

    private static string Tail(string text, int max) => text.Length <= max ? text.Trim() : "…" + text[^max..].Trim();
}
