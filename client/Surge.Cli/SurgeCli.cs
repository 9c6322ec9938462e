using Surge.Cli.Commands;
using Surge.Client;
using Surge.Replay;

namespace Surge.Cli;

/// <summary>Dispatches a verb and turns every expected failure into a one-line message and an exit code.</summary>
internal static class SurgeCli
{
    public const int Ok = 0, Failed = 1, BadUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            var parsed = CliArgs.Parse(args);
            if (parsed.Verb is "" or "help" || parsed.Has("help"))
            {
                stdout.Write(Usage.Text);
                return parsed.Verb is "" && !parsed.Has("help") ? BadUsage : Ok;
            }
            return parsed.Verb switch
            {
                "submit" => await SubmitCommand.RunAsync(parsed, stdout, cancel.Token),
                "status" => await StatusCommand.RunAsync(parsed, stdout, cancel.Token),
                "replay" => await ReplayCommand.RunAsync(parsed, stdout, stderr, cancel.Token),
                "train" => TrainCommand.Run(parsed, stdout),
                "predict" => PredictCommand.Run(parsed, stdout),
                "simulate-autoscale" => SimulateAutoscaleCommand.Run(parsed, stdout),
                "autoscale" => await AutoscaleCommand.RunAsync(parsed, stdout, cancel.Token),
                "cancel" => await CancelCommand.RunAsync(parsed, stdout, cancel.Token),
                "dead" => await DeadCommand.RunAsync(parsed, stdout, cancel.Token),
                "schedule" => await ScheduleCommand.RunAsync(parsed, stdout, cancel.Token),
                "workload" => WorkloadCommand.Run(parsed, stdout),
                _ => throw new UsageException($"unknown command '{parsed.Verb}'"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"surge: {e.Message}. See 'surge help'.");
            return BadUsage;
        }
        catch (Exception e) when (e is CliException or SurgeValidationException or WorkloadException or SurgeUnavailableException or KeyNotFoundException or FileNotFoundException or InvalidDataException)
        {
            stderr.WriteLine($"surge: {e.Message}");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("surge: cancelled");
            return Failed;
        }
        catch (Exception e)
        {
            // Not one we expected: still one clear line and an exit code, with the details for a bug report.
            stderr.WriteLine($"surge: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine(e);
            return Failed;
        }
    }
}
