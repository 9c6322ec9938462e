namespace Surge.Samples.Client;

/// <summary>Made-up images to resize, so the sample needs no files: a diagonal gradient with a seeded pattern.</summary>
internal static class Gradient
{
    public static ResizeRequest Image(string name, int size, int maxSide, int seed)
    {
        var pixels = new byte[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                pixels[y * size + x] = (byte)((x + y) * 255 / Math.Max(1, 2 * (size - 1)) ^ ((x * seed + y) & 0x0f));
        return new ResizeRequest(name, size, size, pixels, maxSide);
    }
}
