using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Surge.Cli.CommandLine;

/// <summary>
/// The option shapes the commands share. A value out of range is a parse error (exit 2) that names the option and the
/// range, as the hand-written parser said it.
/// </summary>
internal static class CliOptions
{
    public static Option<string> Required(string name, string helpName, string description)
        => new(name) { Required = true, HelpName = helpName, Description = description };

    public static Option<string?> Text(string name, string helpName, string description)
        => new(name) { HelpName = helpName, Description = description };

    /// <summary>
    /// A file the command writes, checked as the command line is read: a path that cannot be written (empty, a
    /// directory, in a directory that does not exist) fails then, not after a replay or a training has run.
    /// </summary>
    public static Option<string> RequiredOutputFile(string name, string helpName, string description)
        => WritesFile(Required(name, helpName, description));

    /// <inheritdoc cref="RequiredOutputFile"/>
    public static Option<string?> OutputFile(string name, string helpName, string description)
        => WritesFile(Text(name, helpName, description));

    private static Option<T> WritesFile<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && OutputFileProblem(r.Tokens[^1].Value) is { } problem) r.AddError($"{option.Name} '{r.Tokens[^1].Value}': {problem}");
        });
        return option;
    }

    /// <summary>Why a file could not be written at <paramref name="path"/>, or null when it can be tried.</summary>
    internal static string? OutputFileProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "give a file path";
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return e.Message;
        }
        if (Directory.Exists(full)) return "is a directory; give a file path";
        return Path.GetDirectoryName(full) is { } directory && !Directory.Exists(directory)
            ? $"the directory {directory} does not exist; create it first, or choose another path" : null;
    }

    /// <summary>
    /// A task id or a name, refused blank as the command line is read: the client refuses one too, but only once the
    /// command has connected, and with an exception's words.
    /// </summary>
    public static Argument<T> NotBlank<T>(this Argument<T> argument)
    {
        argument.Validators.Add(r =>
        {
            if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) r.AddError($"{argument.Name} is empty; give one, e.g. order-42");
        });
        return argument;
    }

    /// <summary>The largest payload file <c>@FILE</c> reads: the most any silo accepts (Surge:Workers:MaxPayloadBytes).</summary>
    internal const int MaxPayloadFileBytes = 64 * 1024 * 1024;

    /// <summary>
    /// <c>--payload JSON</c>, or <c>--payload @FILE</c> (<c>@-</c>: standard input), as curl reads <c>-d</c>: a payload
    /// written by another program need not pass through the shell's quoting. Read as the command line is, in UTF-8,
    /// and at most <see cref="MaxPayloadFileBytes"/>; the task's own checks (JSON, the size limit) come after.
    /// </summary>
    public static Option<string?> Payload(string description) => new("--payload")
    {
        HelpName = "JSON", // @FILE is in the description: the synopsis stays as short as the README can hold
        Description = description,
        CustomParser = r => r.Tokens[^1].Value is ['@', .. var path] ? ReadPayload(r, path) : r.Tokens[^1].Value,
    };

    private static string? ReadPayload(ArgumentResult r, string path)
    {
        try
        {
            using var source = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            using var bounded = new MemoryStream();
            var buffer = new byte[81920];
            for (int read; (read = source.Read(buffer)) > 0;)
            {
                if (bounded.Length + read > MaxPayloadFileBytes)
                    return Error<string?>(r, $"--payload @{path}: more than {MaxPayloadFileBytes / (1024 * 1024)} MiB, more than any silo accepts");
                bounded.Write(buffer, 0, read);
            }
            var bytes = bounded.GetBuffer().AsSpan(0, (int)bounded.Length);
            if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // a byte order mark, as some editors write: not the payload's
            return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException) // an ArgumentException too: first
        {
            return Error<string?>(r, $"--payload @{path}: not UTF-8 text; a payload is JSON");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Error<string?>(r, $"--payload @{path}: {e.Message}");
        }
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string[]> Many(string name, string helpName, string description)
        => new(name) { HelpName = helpName, Description = description, DefaultValueFactory = _ => [] };

    public static Option<int> Int(string name, int @default, int min, int max, string description)
        => new(name) { Description = description, DefaultValueFactory = _ => @default, CustomParser = r => ParseInt(r, name, min, max) };

    /// <summary>A whole number with no default: absent means "not given" (null), as for --max-attempts.</summary>
    public static Option<int?> OptionalInt(string name, int min, int max, string helpName, string description)
        => new(name) { HelpName = helpName, Description = description, CustomParser = r => ParseInt(r, name, min, max) };

    public static Option<double> Double(string name, double @default, double min, double max, string description)
        => new(name) { Description = description, DefaultValueFactory = _ => @default, CustomParser = r => ParseDouble(r, name, min, max) };

    /// <summary><c>--output text|json</c>: JSON is one document on stdout, for scripts.</summary>
    public static Option<OutputFormat> Output()
    {
        var option = new Option<OutputFormat>("--output")
        {
            HelpName = "text|json",
            Description = "text for people, json for scripts (one document on stdout)",
            DefaultValueFactory = _ => OutputFormat.Text,
            CustomParser = r => (r.Tokens.Count > 0 ? r.Tokens[^1].Value : "").ToLowerInvariant() switch
            {
                "text" => OutputFormat.Text,
                "json" => OutputFormat.Json,
                var other => Error<OutputFormat>(r, $"--output is '{other}'; give text or json"),
            },
        };
        return option;
    }

    /// <summary>The --output a command was given (text when absent).</summary>
    public static OutputFormat GetFormat(this ParseResult result, Option<OutputFormat> option) => result.GetValue(option) ?? OutputFormat.Text;

    // Parsed and range-checked in one place, so a bad value is one parse error that names the option and the range.
    private static int ParseInt(ArgumentResult r, string name, int min, int max)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : Error<int>(r, $"{name} is '{text}'; give a whole number from {min} to {max}");
    }

    private static double ParseDouble(ArgumentResult r, string name, double min, double max)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && x >= min && x <= max
            ? x : Error<double>(r, string.Create(CultureInfo.InvariantCulture, $"{name} is '{text}'; give a number from {min} to {max}"));
    }

    internal static T Error<T>(ArgumentResult r, string message)
    {
        r.AddError(message);
        return default!;
    }
}

/// <summary>
/// How a command prints what it read: for people, or as one JSON document. A class rather than an enum so help shows
/// the default as it is typed ("text").
/// </summary>
internal sealed record OutputFormat(string Name)
{
    public static readonly OutputFormat Text = new("text");
    public static readonly OutputFormat Json = new("json");

    public override string ToString() => Name;
}
