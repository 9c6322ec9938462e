using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Samples;

/// <summary>An 8-bit grayscale image, row by row, to shrink until its longer side is at most <paramref name="MaxSide"/>.</summary>
/// <param name="Name">The image's name; the thumbnail is stored under it.</param>
/// <param name="Pixels">Width × Height bytes, one per pixel (base64 in the JSON).</param>
public sealed record ResizeRequest(string Name, int Width, int Height, byte[] Pixels, int MaxSide);

/// <summary>The thumbnail made from a <see cref="ResizeRequest"/>.</summary>
/// <param name="MeanLuminance">The thumbnail's mean pixel value, 0 to 255.</param>
/// <param name="Sha256">The thumbnail's pixels, hashed (lower-case hex).</param>
/// <param name="StoredAs">Where the worker's thumbnail store wrote it.</param>
/// <param name="Store">Which store instance wrote it, numbered from 1 as the worker creates them: one per run.</param>
public sealed record ResizeResult(string Name, int Width, int Height, double MeanLuminance, string Sha256, string StoredAs, int Store);

/// <summary>The descriptors the worker registers handlers for and the client calls: one name, one pair of types.</summary>
public static class SampleTasks
{
    /// <summary>Resizes an image into a thumbnail. JSON by the source-generated <see cref="SampleJson"/> context.</summary>
    public static readonly TaskType<ResizeRequest, ResizeResult> Resize = new("resize", SampleJson.Default.ResizeRequest, SampleJson.Default.ResizeResult);
}

/// <summary>
/// Source-generated JSON for the sample's types: no reflection at run time (trimming and AOT friendly). The options are
/// those <see cref="TaskJson.DefaultOptions"/> uses, so a payload that leaves out a field fails naming it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ResizeRequest))]
[JsonSerializable(typeof(ResizeResult))]
public sealed partial class SampleJson : JsonSerializerContext;
