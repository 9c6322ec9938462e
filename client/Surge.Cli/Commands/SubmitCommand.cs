using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Surge.Cli.Commands;

internal static class SubmitCommand
{
    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("type", "payload", "feature", "id", "entity", "event", "after", "sequence", "timeout", "max-attempts", "wait", "gateway", "embedded");
        var spec = BuildSpec(args);
        TaskValidator.Validate(spec); // bad input is named before any connection, reachable cluster or not
        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        var status = args.Has("wait")
            ? await connection.Client.RunAsync(spec, cancellationToken: cancellationToken)
            : await connection.Client.SubmitAsync(spec, cancellationToken);
        StatusFormat.Write(stdout, status);
        return status.State == TaskState.Failed ? SurgeCli.Failed : SurgeCli.Ok;
    }

    internal static TaskSpec BuildSpec(CliArgs args)
    {
        var features = ImmutableDictionary.CreateBuilder<string, FeatureValue>(StringComparer.Ordinal);
        foreach (var pair in args.GetAll("feature"))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw new UsageException($"--feature '{pair}': expected NAME=VALUE, e.g. --feature source=adwords or --feature rows=1200");
            var value = pair[(eq + 1)..];
            features[pair[..eq]] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? FeatureValue.Of(n) : FeatureValue.Of(value);
        }
        long? sequence = args.Get("sequence") is { } s
            ? long.TryParse(s, out var seq) ? seq : throw new UsageException($"--sequence '{s}': give a whole number, 1 or more")
            : null;
        TimeSpan? timeout = args.Get("timeout") is { } t
            ? TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var ts) ? ts : throw new UsageException($"--timeout '{t}': give a duration such as 00:05:00")
            : null;
        return new TaskSpec(
            args.Get("id") ?? Guid.NewGuid().ToString("N"),
            args.Require("type", "name a task type registered on the silos, e.g. --type simulate"),
            Encoding.UTF8.GetBytes(args.Get("payload") ?? "{}"),
            features.ToImmutable(),
            args.Get("entity"), args.Get("event"), args.Get("after"), sequence, timeout,
            args.Has("max-attempts") ? args.GetInt("max-attempts", 1, 1, 100) : null);
    }
}
