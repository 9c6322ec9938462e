using System.Text.Json;

namespace Surge.Replay;

/// <summary>
/// Every task's final status as the replay saw it, one JSON object per line: what a later read of the same task must
/// still show (the first recorded result is never overwritten).
/// </summary>
public static class ResultsFile
{
    public static async Task WriteAsync(string path, IReadOnlyList<ReplayResult> results, CancellationToken cancellationToken)
    {
        await using var file = File.CreateText(path);
        foreach (var r in results)
        {
            var line = JsonSerializer.Serialize(new
            {
                id = r.Task.Id,
                state = r.Final?.State.ToString(),
                attempts = r.Final?.Attempts,
                started_at = r.Final?.StartedAt,
                finished_at = r.Final?.FinishedAt,
                rejection = r.Rejection,
            });
            await file.WriteLineAsync(line.AsMemory(), cancellationToken);
        }
    }
}
