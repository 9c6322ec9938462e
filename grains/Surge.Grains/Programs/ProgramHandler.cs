using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Programs;

/// <summary>
/// Runs one allow-listed program per task: fixed executable and arguments from configuration, the payload on stdin
/// or as checked arguments. The result is JSON with the exit code, bounded stdout and stderr, wall time and peak
/// memory; a non-zero exit fails the task (and may retry). Cancel or soft limit: SIGTERM to the process tree; at the
/// hard limit (the type's <see cref="TaskPolicy.HardLimitGrace"/> later) SIGKILL to every process that was or is in it.
/// </summary>
internal sealed class ProgramHandler(string type, ProgramOptions options, TaskPolicy policy, TimeProvider time) : ITaskHandler, IValidatingHandler
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(20);
    private readonly Regex _argument = new(options.ArgumentPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public void Validate(TaskSpec spec)
    {
        if (options.PayloadAs == PayloadDelivery.Arguments) _ = ArgumentsOf(spec.Payload);
    }

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(context)) ?? throw new InvalidOperationException($"{options.Executable} did not start");
        var started = time.GetTimestamp();
        using var reads = new CancellationTokenSource();
        var stdout = new BoundedCapture(options.MaxOutputBytes);
        var stderr = new BoundedCapture(options.MaxOutputBytes);
        var reading = Task.WhenAll(stdout.ReadAsync(process.StandardOutput.BaseStream, reads.Token), stderr.ReadAsync(process.StandardError.BaseStream, reads.Token));
        var peak = SamplePeakAsync(process);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var pid = process.Id;
        using (cancellationToken.Register(() => _ = StopAsync(pid, exited)))
        {
            // A wave's task reads its inputs on stdin whatever PayloadAs says: there is nowhere else to put pipes.
            if (context.Flow is { } step) await WriteStdinAsync(process, FlowStdin.Of(step, context.Payload), always: true);
            else await WriteStdinAsync(process, context.Payload);
            await exited;
        }
        // A descendant left running may hold the pipes open: the output so far is what the task gets.
        reads.CancelAfter(TimeSpan.FromSeconds(1));
        try { await reading; } catch (OperationCanceledException) { }
        var peakBytes = await peak;
        context.MemoryMb = peakBytes / (1024.0 * 1024.0);
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
            throw new ProgramFailedException($"{Path.GetFileName(options.Executable)} exited with code {process.ExitCode}: {Tail(stderr.Text, 500)}");
        if (context.Flow is not null)
        {
            // In a wave the program's stdout is its output pipe, whole or not at all: a cut pipe would be read as data.
            if (stdout.Dropped > 0)
                throw new ProgramFailedException($"its output is over {options.MaxOutputBytes} bytes (MaxOutputBytes); a pipe must fit whole, so write less or raise the limit");
            return System.Text.Encoding.UTF8.GetBytes(stdout.Text);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new ProgramResult(process.ExitCode, stdout.Text, stderr.Text, stdout.Dropped, stderr.Dropped,
            time.GetElapsedTime(started).TotalMilliseconds, Math.Round(context.MemoryMb, 1)), ProgramResult.Json);
    }

    private ProcessStartInfo StartInfo(TaskContext context)
    {
        var info = new ProcessStartInfo(options.Executable)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? "",
        };
        foreach (var argument in options.Arguments) info.ArgumentList.Add(argument);
        if (options.PayloadAs == PayloadDelivery.Arguments)
            foreach (var argument in ArgumentsOf(context.Payload)) info.ArgumentList.Add(argument);
        foreach (var (name, value) in options.Environment) info.Environment[name] = value;
        info.Environment["SURGE_TASK_ID"] = context.TaskId;
        info.Environment["SURGE_ATTEMPT"] = context.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    // Peak resident memory of the whole tree, sampled: a peak reached and released within the last sample interval before exit is missed.
    private async Task<long> SamplePeakAsync(Process process)
    {
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ProcessTree.PeakResidentBytes(ProcessTree.Of(process.Id)));
            await Task.Delay(SampleEvery, time);
        }
        return peak;
    }

    private async Task StopAsync(int pid, Task exited)
    {
        var tree = ProcessTree.Of(pid);
        ProcessTree.Signal(tree, ProcessTree.SigTerm);
        try
        {
            await exited.WaitAsync(policy.HardLimitGrace, time);
        }
        catch (TimeoutException)
        {
        }
        // Children may outlive a parent that obeyed, or the tree may have grown: kill what was in it and what is, by pid.
        var alive = tree.Union(ProcessTree.Of(pid)).Where(ProcessTree.IsAlive).ToList();
        if (alive.Count > 0) ProcessTree.Signal(alive, ProcessTree.SigKill);
    }

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
