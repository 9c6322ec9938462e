using System.Text;

namespace Surge.Programs;

/// <summary>Reads a stream to its end, keeping the first <c>limit</c> bytes and counting the rest.</summary>
internal sealed class BoundedCapture(int limit)
{
    private readonly MemoryStream _kept = new();

    public long Dropped { get; private set; }

    /// <summary>The stream reached its end: everything written to it was read (kept or counted).</summary>
    public bool Ended { get; private set; }

    public string Text => Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

    public async Task ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var keep = (int)Math.Min(read, limit - _kept.Length);
            if (keep > 0) _kept.Write(buffer, 0, keep);
            Dropped += read - Math.Max(keep, 0);
        }
        Ended = true;
    }
}
