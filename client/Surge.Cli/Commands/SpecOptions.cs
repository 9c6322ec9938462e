using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Surge.Cli.CommandLine;

namespace Surge.Cli.Commands;

/// <summary>The options that describe one task, as <c>surge submit</c> takes them; <c>predict</c> shares --type and --feature.</summary>
internal sealed class SpecOptions
{
    public Option<string> Type { get; } = TypeOption();
    public Option<string?> Payload { get; } = CliOptions.Payload("the task's input, or @FILE to read it from a file (default {})");
    public Option<string[]> Feature { get; } = FeatureOption();
    public Option<string?> Id { get; } = CliOptions.Text("--id", "ID", "the task's id (default a new GUID); submitting an id again returns that task");
    public Option<string?> Entity { get; } = CliOptions.Text("--entity", "KEY", "the entity whose events run one at a time, in order");
    public Option<string?> Event { get; } = CliOptions.Text("--event", "NAME", "this event's name within its entity");
    public Option<string?> After { get; } = CliOptions.Text("--after", "NAME", "the entity's event this one waits for");
    public Option<long?> Sequence { get; } = new("--sequence")
    {
        HelpName = "N",
        Description = "this event's place in its entity's sequence (1, 2, ...)",
        CustomParser = r => long.TryParse(r.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n : CliOptions.Error<long?>(r, $"--sequence '{r.Tokens[^1].Value}': give a whole number, 1 or more"),
    };
    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        HelpName = "HH:MM:SS",
        Description = "how long one attempt may run: 00:05:00, or seconds (300) (default Surge:Tasks:DefaultTimeout)",
        CustomParser = r => DurationText.TryParse(r.Tokens[^1].Value, out var t) // 5 is seconds; TimeSpan alone reads days
            ? t : CliOptions.Error<TimeSpan?>(r, $"--timeout '{r.Tokens[^1].Value}': give a duration such as 00:05:00, or seconds such as 300"),
    };
    public Option<int?> MaxAttempts { get; } = CliOptions.OptionalInt("--max-attempts", 1, 100, "N", "attempts before it is dead-lettered (default Surge:Tasks:MaxAttempts)");

    public IEnumerable<Option> All => [Type, Payload, Feature, Id, Entity, Event, After, Sequence, Timeout, MaxAttempts];

    public TaskSpec Build(ParseResult r) => new(
        r.GetValue(Id) ?? Guid.NewGuid().ToString("N"),
        r.GetRequiredValue(Type),
        Encoding.UTF8.GetBytes(r.GetValue(Payload) ?? "{}"),
        Features(r.GetValue(Feature) ?? []),
        r.GetValue(Entity), r.GetValue(Event), r.GetValue(After), r.GetValue(Sequence), r.GetValue(Timeout), r.GetValue(MaxAttempts));

    public static Option<string> TypeOption()
        => CliOptions.Required("--type", "TYPE", "a task type registered on the silos, e.g. simulate");

    public static Option<string[]> FeatureOption()
    {
        var option = CliOptions.Many("--feature", "NAME=VALUE", "a feature the predictor reads (a number or text); repeat for more");
        option.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => t.Value.IndexOf('=') <= 0))
                r.AddError($"--feature '{token.Value}': expected NAME=VALUE, e.g. --feature source=adwords or --feature rows=1200");
        });
        return option;
    }

    /// <summary>NAME=VALUE pairs: a value that reads as a number is a number, anything else text.</summary>
    public static ImmutableDictionary<string, FeatureValue> Features(IEnumerable<string> pairs)
    {
        var features = ImmutableDictionary.CreateBuilder<string, FeatureValue>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            var value = pair[(eq + 1)..];
            features[pair[..eq]] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? FeatureValue.Of(n) : FeatureValue.Of(value);
        }
        return features.ToImmutable();
    }
}
