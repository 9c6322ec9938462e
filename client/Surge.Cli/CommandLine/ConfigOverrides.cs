namespace Surge.Cli.CommandLine;

/// <summary>
/// <c>--Surge:Section:Key=VALUE</c> (or <c>--Surge:Section:Key VALUE</c>) configuration for the embedded silo and the
/// client. Its keys are open-ended (any setting of silo/Surge.Silo), so it is taken off the command line before
/// System.CommandLine sees it, rather than declared as options.
/// </summary>
internal static class ConfigOverrides
{
    public const string Prefix = "--Surge:";

    public static (string[] Arguments, List<string> Overrides) Split(IReadOnlyList<string> args)
    {
        var rest = new List<string>(args.Count);
        var overrides = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") // everything after is an argument, never configuration
            {
                rest.AddRange(args.Skip(i));
                break;
            }
            if (!arg.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) rest.Add(arg);
            else overrides.Add(arg.Contains('=') || i + 1 >= args.Count ? arg : $"{arg}={args[++i]}");
        }
        return ([.. rest], overrides);
    }
}
