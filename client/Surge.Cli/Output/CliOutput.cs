using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Surge.Cli.CommandLine;

namespace Surge.Cli.Output;

/// <summary>Prints what a command read: as text for people, or as one JSON document on stdout.</summary>
internal static class CliOutput
{
    public static void Write<T>(TextWriter stdout, OutputFormat format, T value, JsonTypeInfo<T> json, Action<TextWriter, T> text)
    {
        if (format == OutputFormat.Json) stdout.WriteLine(JsonSerializer.Serialize(value, json));
        else text(stdout, value);
    }
}
