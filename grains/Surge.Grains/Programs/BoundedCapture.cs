using System.Text;

namespace Surge.Programs;

/// <summary>
/// Reads a stream to its end, keeping the first <c>limit</c> bytes for the result and counting the rest. With
/// <c>keepAtLeast</c>, it keeps that many bytes all the same, for saying why a run failed (<see cref="Kept"/>): a result
/// bounded to nothing must not also lose the watchdog's line or the program's error message.
/// </summary>
internal sealed class BoundedCapture(int limit, int keepAtLeast = 0)
{
    private readonly int _keep = Math.Max(limit, keepAtLeast);
    private readonly MemoryStream _kept = new();
    private long _read;

    /// <summary>The bytes past <c>limit</c>: read, and left out of <see cref="Text"/>.</summary>
    public long Dropped => Math.Max(0, _read - limit);

    /// <summary>The stream reached its end: everything written to it was read (kept or counted).</summary>
    public bool Ended { get; private set; }

    /// <summary>The first <c>limit</c> bytes: what a result carries.</summary>
    public string Text => Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)Math.Min(_kept.Length, limit));

    /// <summary>Everything kept, <c>limit</c> or <c>keepAtLeast</c> bytes, whichever is more: for errors only.</summary>
    public string Kept => Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

    public async Task ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var keep = (int)Math.Min(read, _keep - _kept.Length);
            if (keep > 0) _kept.Write(buffer, 0, keep);
            _read += read;
        }
        Ended = true;
    }
}
