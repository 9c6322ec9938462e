using System.CommandLine;
using Surge.Client;

namespace Surge.Cli.CommandLine;

/// <summary>
/// <c>--gateway HOST:PORT</c> or <c>--embedded</c>, on every command that talks to a cluster; with the
/// <c>--Surge:Key=VALUE</c> overrides they say where <see cref="SurgeConnection"/> connects.
/// </summary>
internal sealed class ConnectionOptions
{
    public const string GatewayName = "--gateway", EmbeddedName = "--embedded";

    public Option<string?> Gateway { get; } = new(GatewayName)
    {
        HelpName = "HOST:PORT",
        Description = "a running silo's gateway (default: Surge:Client:Gateways, else Surge:Redis, else 127.0.0.1:30000)",
        Validators =
        {
            r =>
            {
                if (r.Tokens is [var token] && !GatewayAddress.TryParse(token.Value, out _, out var error)) r.AddError($"--gateway '{token.Value}': {error}");
            },
        },
    };

    public Option<bool> Embedded { get; } = new(EmbeddedName) { Description = "host a silo inside this process instead (configure it with --Surge:Section:Key=VALUE)" };

    /// <summary>Whether <paramref name="option"/> is one of the connection options (of any tree).</summary>
    public static bool IsConnection(Option option) => option.Name is GatewayName or EmbeddedName;

    /// <summary>Adds both options to <paramref name="command"/>, and the rule that they exclude each other.</summary>
    public Command AddTo(Command command)
    {
        command.Add(Gateway);
        command.Add(Embedded);
        command.Validators.Add(r =>
        {
            if (r.GetResult(Gateway) is { Implicit: false } && r.GetResult(Embedded) is { Implicit: false })
                r.AddError("--embedded and --gateway exclude each other: either host a silo here or connect to one");
        });
        return command;
    }

    public ConnectionSettings Read(ParseResult result, CliContext context)
        => new(result.GetValue(Gateway), result.GetValue(Embedded), context.ConfigOverrides);
}

/// <summary>Where one command connects: a gateway, an embedded silo, or the configured cluster.</summary>
internal sealed record ConnectionSettings(string? Gateway, bool Embedded, IReadOnlyList<string> ConfigOverrides);
