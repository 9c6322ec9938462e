using Microsoft.Extensions.Options;
using Surge.Security;

namespace Surge.Tests.Security;

/// <summary>
/// The role a silo gives what a session proved: by its own <c>Surge:Security:Clients</c>, else
/// <c>Surge:Security:DefaultRole</c>, else none.
/// </summary>
public sealed class ClientIdentitiesTests
{
    private const string OpsKey = "ops-key-0123456789abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddYears(56);

    private static ClientIdentities Identities(SurgeRole? defaultRole, params SecurityClient[] clients) => new(
        Options.Create(new SecurityOptions { Enabled = true, DefaultRole = defaultRole, Clients = [.. clients] }),
        Options.Create(new Orleans.Configuration.ClusterOptions { ServiceId = "surge" }));

    private static SecurityClient Ops => new() { ApiKey = OpsKey, Name = "ops", Role = SurgeRole.Operate };

    [Fact]
    public void Resolve_DefaultRole_GivenToUnlistedAndIdentityLessClientsWhoShareOneName()
    {
        var identities = Identities(SurgeRole.Submit, Ops);

        var unlisted = identities.Verify(new SessionCredentials("someone-elses-key-0123", null), Now).Caller;
        var nothing = identities.Verify(new SessionCredentials(null, null), Now).Caller;
        var noSession = identities.Resolve(null, Now);

        Assert.All(new[] { unlisted, nothing, noSession }, c =>
        {
            Assert.Null(c.Name); // as Submit they own, and so read, each other's tasks
            Assert.Equal(SurgeRole.Submit, c.Role);
        });
        var ops = identities.Verify(new SessionCredentials(OpsKey, null), Now).Caller;
        Assert.Equal(("ops", SurgeRole.Operate), (ops.Name, ops.Role));
    }

    [Fact]
    public void Resolve_NoDefaultRole_UnlistedHasNoRoleAndSaysWhy()
    {
        var caller = Identities(null, Ops).Verify(new SessionCredentials("someone-elses-key-0123", null), Now).Caller;
        Assert.Null(caller.Role);
        Assert.Equal("its API key is not listed", caller.Reason);
    }

    [Fact]
    public void Resolve_ClientTakenOffTheList_RefusedBySilosWithTheNewListWhateverItProvedBefore()
    {
        var before = Identities(null, Ops);
        var (caller, identity) = before.Verify(new SessionCredentials(OpsKey, null), Now); // the session, as stored
        Assert.Equal(SurgeRole.Operate, caller.Role);

        var after = Identities(null, new SecurityClient { ApiKey = "ci-key-0123456789abcdef", Name = "ci", Role = SurgeRole.Submit });
        Assert.Null(after.Resolve(identity, Now).Role);
        Assert.Equal(SurgeRole.Submit, Identities(SurgeRole.Submit).Resolve(identity, Now).Role); // a default role still applies
        Assert.Equal(SurgeRole.Operate, before.Resolve(identity, Now).Role); // a silo with the old list, until it has the new one
    }
}
