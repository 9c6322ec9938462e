namespace Surge.Cli.CommandLine;

/// <summary>
/// What every command's action needs besides its parsed options: where to write, and the <c>--Surge:Key=VALUE</c>
/// configuration taken off the command line before parsing (a command may add to it, as replay's --model does).
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, IEnumerable<string> configOverrides)
{
    public TextWriter Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;
    public List<string> ConfigOverrides { get; } = [.. configOverrides];

    /// <summary>A context for reading the command tree only (help, synopsis): nothing is ever written through it.</summary>
    public static CliContext ForDefinitions() => new(TextWriter.Null, TextWriter.Null, []);
}
