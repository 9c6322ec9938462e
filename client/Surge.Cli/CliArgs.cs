namespace Surge.Cli;

/// <summary>
/// The command line: a verb, positional arguments, <c>--name value</c> options, flags, and <c>--Surge:Key=value</c>
/// configuration overrides passed on to the embedded silo and the client.
/// </summary>
internal sealed class CliArgs
{
    private static readonly HashSet<string> Flags = ["embedded", "wait", "allocate", "json", "help", "quiet"];

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    public string Verb { get; private init; } = "";
    public List<string> Positional { get; } = [];
    public List<string> ConfigOverrides { get; } = [];

    public static CliArgs Parse(string[] args)
    {
        var parsed = new CliArgs { Verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "" };
        for (var i = parsed.Verb.Length > 0 ? 1 : 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--Surge:", StringComparison.OrdinalIgnoreCase))
            {
                parsed.ConfigOverrides.Add(arg.Contains('=') || i + 1 >= args.Length ? arg : $"{arg}={args[++i]}");
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (Flags.Contains(name)) value = "true";
            else if (i + 1 < args.Length) value = args[++i];
            else throw new UsageException($"option --{name} needs a value");
            if (!parsed._options.TryGetValue(name, out var values)) parsed._options[name] = values = [];
            values.Add(value);
        }
        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _options.TryGetValue(name, out var v) ? v : [];

    public string Require(string name, string hint) => Get(name) ?? throw new UsageException($"--{name} is required: {hint}");

    public int GetInt(string name, int fallback, int min, int max)
    {
        if (Get(name) is not { } text) return fallback;
        return int.TryParse(text, out var n) && n >= min && n <= max ? n : throw new UsageException($"--{name} is '{text}'; give a whole number from {min} to {max}");
    }

    /// <summary>Options this command does not know: a typo must not be silently ignored.</summary>
    public void RejectUnknown(params string[] known)
    {
        var unknown = _options.Keys.Where(k => !known.Contains(k) && k != "help").ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => "--" + u))} for '{Verb}'");
    }
}

/// <summary>The command line is wrong; the message says how. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
