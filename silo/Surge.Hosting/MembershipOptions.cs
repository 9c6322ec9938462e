using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>
/// How fast a dead silo is noticed in cluster mode (<c>Surge:Membership</c>), applied to Orleans'
/// <c>ClusterMembershipOptions</c>. A dead silo's task shards serve again on the survivors once it is declared dead:
/// after <see cref="MissedProbes"/> failed probes, by <see cref="Votes"/> silos.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Membership";

    /// <summary>Default of <see cref="ProbeTimeout"/>.</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="MissedProbes"/>.</summary>
    public const int DefaultMissedProbes = 3;

    /// <summary>Default of <see cref="Votes"/>.</summary>
    public const int DefaultVotes = 2;

    /// <summary>Default of <see cref="IAmAlivePeriod"/>.</summary>
    public static readonly TimeSpan DefaultIAmAlivePeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Initial probe timeout. Orleans adapts each silo's probe timeout and period to the round trips it sees, between
    /// half and four times this, and stretches it further while the probing silo itself is overloaded: an idle pair probes
    /// every ~1 s, a loaded one backs off to 8 s before it suspects anyone. Default 2 s; 00:00:00.500 to 00:00:30.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = DefaultProbeTimeout;

    /// <summary>Failed probes in a row before a silo votes another dead. Default 3; 2 to 10.</summary>
    public int MissedProbes { get; set; } = DefaultMissedProbes;

    /// <summary>
    /// Votes that declare a silo dead; Orleans asks for at most half the active silos' votes, so with two silos the
    /// survivor's own vote is enough. Default 2; 1 to 10.
    /// </summary>
    public int Votes { get; set; } = DefaultVotes;

    /// <summary>
    /// How often each silo writes that it is alive to the membership table. A silo that has missed three of these
    /// writes no longer counts among the silos whose votes Orleans asks half of, so when most silos die at once the
    /// survivors can declare them dead alone after three periods (with Orleans' 30 s: 90 s, longer than a client
    /// retries). Default 5 s; 1 s to 60 s.
    /// </summary>
    public TimeSpan IAmAlivePeriod { get; set; } = DefaultIAmAlivePeriod;
}

internal sealed class MembershipOptionsValidator : IValidateOptions<MembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, MembershipOptions o)
    {
        var failures = new List<string>();
        if (o.ProbeTimeout < TimeSpan.FromMilliseconds(500) || o.ProbeTimeout > TimeSpan.FromSeconds(30))
            failures.Add($"{MembershipOptions.Section}:ProbeTimeout is {o.ProbeTimeout}; set 00:00:00.500 to 00:00:30 (default 00:00:02).");
        if (o.MissedProbes is < 2 or > 10)
            failures.Add($"{MembershipOptions.Section}:MissedProbes is {o.MissedProbes}; set 2 to 10 (default 3): one missed probe is not a death.");
        if (o.Votes is < 1 or > 10)
            failures.Add($"{MembershipOptions.Section}:Votes is {o.Votes}; set 1 to 10 (default 2; Orleans probes at most 10 silos from each).");
        if (o.IAmAlivePeriod < TimeSpan.FromSeconds(1) || o.IAmAlivePeriod > TimeSpan.FromSeconds(60))
            failures.Add($"{MembershipOptions.Section}:IAmAlivePeriod is {o.IAmAlivePeriod}; set 00:00:01 to 00:01:00 (default 00:00:05).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
