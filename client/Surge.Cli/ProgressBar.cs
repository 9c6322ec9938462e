using Surge.Replay;

namespace Surge.Cli;

/// <summary>A one-line progress bar on a terminal; on a pipe, a line at every tenth so logs stay readable.</summary>
internal sealed class ProgressBar(TextWriter writer) : IProgress<ReplayProgress>
{
    private const int Width = 30;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Lock _lock = new();
    private int _lastTenth = -1;

    public void Report(ReplayProgress p)
    {
        lock (_lock)
        {
            var fraction = p.Total == 0 ? 1 : (double)(p.Finished + p.Rejected) / p.Total;
            var line = $"[{new string('#', (int)(fraction * Width)).PadRight(Width, '-')}] {p.Finished + p.Rejected}/{p.Total} done, " +
                       $"{p.Submitted - p.Finished - p.Rejected} in flight, {p.Failed} failed, {p.Rejected} rejected";
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
