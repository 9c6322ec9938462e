using System.Text;
using System.Text.Json;

namespace Surge.Pools;

/// <summary>
/// Appends one JSON line per run start and one per run end to <c>&lt;dir&gt;/runs-&lt;pid&gt;.jsonl</c>:
/// <c>{"task","attempt","entity","silo","start"}</c> and <c>{"task","attempt","silo","end","outcome"}</c>, times in
/// UTC milliseconds. Each line is one unbuffered write: once written it survives a kill -9 of the process (it is in
/// the kernel's page cache), which is what a checker reading the log after a crash needs; no fsync, since a machine
/// crash is not what the log is for. A start with no end is a run that died with its silo.
/// </summary>
internal sealed class FileRunLog : IRunLog, IDisposable
{
    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly int _silo = Environment.ProcessId;

    public FileRunLog(string directory)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"runs-{_silo}.jsonl");
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    public string Path { get; }

    public void Started(WorkItem item, DateTimeOffset startedAt)
        => Append(w =>
        {
            Common(w, item);
            if (item.Spec.Entity is { } entity) w.WriteString("entity", entity);
            w.WriteNumber("start", startedAt.ToUnixTimeMilliseconds());
        });

    public void Ended(WorkItem item, DateTimeOffset endedAt, bool succeeded)
        => Append(w =>
        {
            Common(w, item);
            w.WriteNumber("end", endedAt.ToUnixTimeMilliseconds());
            w.WriteString("outcome", succeeded ? "succeeded" : "failed");
        });

    public void Dispose() => _file.Dispose();

    private void Common(Utf8JsonWriter w, WorkItem item)
    {
        w.WriteString("task", item.Spec.Id);
        w.WriteNumber("attempt", item.Attempt);
        w.WriteNumber("silo", _silo);
    }

    private void Append(Action<Utf8JsonWriter> fields)
    {
        var buffer = new MemoryStream(160);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        // One write call a line, under a lock: lines from concurrent runs never interleave.
        lock (_gate) _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
