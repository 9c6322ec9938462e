using Surge.Policies;

namespace Surge.Samples.Worker;

/// <summary>An 8-bit grayscale image made smaller by averaging the source pixels each of its pixels covers.</summary>
public sealed record Thumbnail(int Width, int Height, byte[] Pixels)
{
    public double MeanLuminance => Pixels.Length == 0 ? 0 : Pixels.Average(p => (double)p);

    /// <summary>
    /// The request's image with its longer side at most <see cref="ResizeRequest.MaxSide"/>, aspect kept; an image
    /// already small enough is copied. A request that does not describe an image fails its task for good: the same
    /// bytes would fail every retry.
    /// </summary>
    public static Thumbnail Shrink(ResizeRequest request)
    {
        var (width, height, pixels) = (request.Width, request.Height, request.Pixels);
        if (width < 1 || height < 1) throw new NonRetryableTaskException($"the image is {width}x{height}; width and height must be at least 1");
        if (pixels.LongLength != (long)width * height)
            throw new NonRetryableTaskException($"pixels has {pixels.Length} bytes; a {width}x{height} image has {(long)width * height}");
        if (request.MaxSide < 1) throw new NonRetryableTaskException($"maxSide is {request.MaxSide}; it must be at least 1");

        var scale = Math.Min(1.0, (double)request.MaxSide / Math.Max(width, height));
        var (w, h) = (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        var result = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            // The source rows and columns this pixel covers; never empty, since w <= width and h <= height.
            var (y0, y1) = (y * height / h, (y + 1) * height / h);
            for (var x = 0; x < w; x++)
            {
                var (x0, x1) = (x * width / w, (x + 1) * width / w);
                long sum = 0;
                for (var sy = y0; sy < y1; sy++)
                    for (var sx = x0; sx < x1; sx++)
                        sum += pixels[sy * width + sx];
                var count = (long)(y1 - y0) * (x1 - x0);
                result[y * w + x] = (byte)((sum + count / 2) / count);
            }
        }
        return new Thumbnail(w, h, result);
    }
}
