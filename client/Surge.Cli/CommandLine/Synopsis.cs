using System.CommandLine;
using System.CommandLine.Help;
using System.Text;

namespace Surge.Cli.CommandLine;

/// <summary>
/// The one-screen synopsis of every command, rendered from the command tree; the README's CLI section holds a copy
/// between <c>&lt;!-- cli-synopsis:begin --&gt;</c> and <c>&lt;!-- cli-synopsis:end --&gt;</c>, which a test compares.
/// </summary>
internal static class Synopsis
{
    private const int Width = 118;

    public static string Render(RootCommand root)
    {
        var text = new StringBuilder();
        var connecting = new List<string>();
        foreach (var (path, command) in Leaves(root, "surge"))
        {
            Line(text, path, Words(command));
            if (CliTree.Connects(command) && path.Split(' ')[1] is var top && !connecting.Contains(top)) connecting.Add(top);
        }
        var connection = Leaves(root, "surge").Select(l => l.Command).First(CliTree.Connects).Options.Where(ConnectionOptions.IsConnection).Select(Word);
        text.Append('\n');
        text.Append($"connection ({string.Join(", ", connecting)}):\n");
        Line(text, " ", [string.Join(" | ", connection), "[--Surge:Section:Key=VALUE]..."]);
        text.Append($"help: surge [COMMAND...] --help; surge --version. Exit codes: {SurgeCli.Ok} ok, {SurgeCli.Failed} failed, {SurgeCli.BadUsage} bad command line\n");
        return text.ToString();
    }

    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string path)
    {
        var visible = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (visible.Count == 0)
        {
            yield return (path, command);
            yield break;
        }
        foreach (var sub in visible)
        {
            foreach (var leaf in Leaves(sub, $"{path} {sub.Name}")) yield return leaf;
        }
    }

    private static List<string> Words(Command command)
    {
        var words = command.Arguments.Where(a => !a.Hidden).Select(a =>
        {
            var name = a.HelpName ?? a.Name;
            return a.Arity.MinimumNumberOfValues == 0 ? $"[{name}]" : name;
        }).ToList();
        words.AddRange(command.Options.Where(o => !o.Hidden && !ConnectionOptions.IsConnection(o) && o is not HelpOption and not VersionOption).Select(o =>
        {
            var word = Word(o);
            return o.Required ? word : $"[{word}]{(o.Arity.MaximumNumberOfValues > 1 ? "..." : "")}";
        }));
        return words;
    }

    // A flag is its name; a value shows its placeholder, else its default, else its name in capitals.
    private static string Word(Option option)
    {
        if (option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool)) return option.Name;
        var value = option.HelpName ?? (option.HasDefaultValue ? Format(option.GetDefaultValue()) : null) ?? option.Name.TrimStart('-').ToUpperInvariant();
        return $"{option.Name} {value}";
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    // The command's path, then its words, wrapped under the first word.
    private static void Line(StringBuilder text, string head, List<string> words)
    {
        var indent = new string(' ', head.Length + 1);
        var line = new StringBuilder(head);
        foreach (var word in words)
        {
            if (line.Length > indent.Length && line.Length + 1 + word.Length > Width)
            {
                text.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append(indent).Append(word);
                continue;
            }
            line.Append(' ').Append(word);
        }
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
