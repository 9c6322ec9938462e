using Surge.Replay;

namespace Surge.Cli;

/// <summary>
/// A one-line progress bar on a terminal; on a pipe, a line at every tenth so logs stay readable. What it reports is
/// read by <paramref name="describe"/>: the fraction done and the words after the bar.
/// </summary>
internal sealed class ProgressBar<T>(TextWriter writer, Func<T, (double Fraction, string Text)> describe) : IProgress<T>
{
    private const int Width = 30;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Lock _lock = new();
    private int _lastTenth = -1;

    public void Report(T value)
    {
        lock (_lock)
        {
            var (fraction, text) = describe(value);
            var line = $"[{new string('#', (int)(fraction * Width)).PadRight(Width, '-')}] {text}";
            if (_interactive)
            {
                writer.Write($"\r{line}");
                if (fraction >= 1) writer.WriteLine();
            }
            else if ((int)(fraction * 10) is var tenth && tenth > _lastTenth)
            {
                _lastTenth = tenth;
                writer.WriteLine(line);
            }
        }
    }
}

/// <summary>The bars the commands show.</summary>
internal static class ProgressBars
{
    public static ProgressBar<ReplayProgress> Replay(TextWriter writer) => new(writer, p =>
        (p.Total == 0 ? 1 : (double)(p.Finished + p.Rejected) / p.Total,
         $"{p.Finished + p.Rejected}/{p.Total} done, {p.Submitted - p.Finished - p.Rejected} in flight, {p.Failed} failed, {p.Rejected} rejected"));

    public static ProgressBar<Flows.WaveStatus> Wave(TextWriter writer) => new(writer, s =>
    {
        var final = s.Finished + s.Degraded + s.Failed;
        // Done only when the wave says so: its last steps' pipes are written before it does.
        var fraction = s.IsDone ? 1 : s.Steps == 0 ? 0 : Math.Min(0.999, (double)final / s.Steps);
        return (fraction, $"{final}/{s.Steps} steps, {s.Tasks.Sum(t => t.Running)} running, {s.Degraded} degraded, {s.Failed} failed");
    });
}
