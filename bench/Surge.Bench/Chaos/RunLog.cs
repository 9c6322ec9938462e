using System.Text.Json;

namespace Surge.Bench.Chaos;

/// <summary>One handler run from the silos' run logs; <see cref="End"/> is filled in for runs that died with their silo.</summary>
internal sealed record Run(string Task, int Attempt, string? Entity, int Silo, long Start, long End, bool Ended);

/// <summary>
/// Reads every <c>runs-&lt;pid&gt;.jsonl</c>. A start with no end died with its silo: it ends when that pid was killed
/// (or exited after SIGTERM); a start with no end on a silo still alive is still running, and ends at +∞.
/// </summary>
internal static class RunLog
{
    public static (List<Run> Runs, int BadLines) Read(string dir, IReadOnlyDictionary<int, long> ended)
    {
        var runs = new List<Run>();
        var bad = 0;
        if (!Directory.Exists(dir)) return (runs, bad);
        foreach (var file in Directory.EnumerateFiles(dir, "runs-*.jsonl"))
        {
            var open = new Dictionary<(string, int), Queue<(string? Entity, long Start)>>();
            var silo = 0;
            foreach (var line in File.ReadLines(file))
            {
                JsonElement e;
                try
                {
                    e = JsonDocument.Parse(line).RootElement;
                }
                catch (JsonException)
                {
                    bad++; // a line cut short by the kill
                    continue;
                }
                var key = (e.GetProperty("task").GetString()!, e.GetProperty("attempt").GetInt32());
                silo = e.GetProperty("silo").GetInt32();
                if (e.TryGetProperty("start", out var start))
                {
                    if (!open.TryGetValue(key, out var q)) open[key] = q = new();
                    q.Enqueue((e.TryGetProperty("entity", out var entity) ? entity.GetString() : null, start.GetInt64()));
                }
                else if (open.TryGetValue(key, out var q) && q.TryDequeue(out var started))
                {
                    runs.Add(new Run(key.Item1, key.Item2, started.Entity, silo, started.Start, e.GetProperty("end").GetInt64(), Ended: true));
                }
                else bad++; // an end without its start
            }
            foreach (var ((task, attempt), q) in open)
            {
                foreach (var started in q)
                    runs.Add(new Run(task, attempt, started.Entity, silo, started.Start, ended.TryGetValue(silo, out var at) ? at : long.MaxValue, Ended: false));
            }
        }
        return (runs, bad);
    }
}
