using Microsoft.Extensions.Options;
using Surge.Prediction;
using Surge.Security;

namespace Surge.Tests.Security;

/// <summary>The public list: every grain interface is either on it, method by method, or internal on purpose.</summary>
public sealed class AccessRulesTests
{
    private static readonly Type[] GrainInterfaces = [.. new[] { typeof(ITaskShardGrain).Assembly, typeof(AccessRules).Assembly }
        .SelectMany(a => a.GetTypes()).Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t))];

    [Fact]
    public void For_EveryPublicGrainMethod_IsListedOrSiloOnly()
    {
        var listed = AccessRules.Listed.Select(l => l.Call).Concat(AccessRules.SiloOnlyMethods).Concat(AccessRules.OpenMethods).ToHashSet();
        var missing = GrainInterfaces.Where(t => t.IsPublic).SelectMany(t => t.GetMethods().Select(m => (t, m.Name))).Where(c => !listed.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "decide a role (AccessRules.Methods) or make silo-only: " + string.Join(", ", missing.Select(m => $"{m.t.Name}.{m.Name}")));
    }

    [Fact]
    public void For_InternalGrainInterfaces_InternalExceptTheTrainerForAdmins()
    {
        foreach (var method in GrainInterfaces.Where(t => !t.IsPublic).SelectMany(t => t.GetMethods()))
        {
            var rule = AccessRules.For(method);
            if (method.DeclaringType == typeof(ITrainerGrain)) Assert.Equal(SurgeRole.Admin, rule.Needed);
            else Assert.True(rule.Internal, $"{rule.Call} should be internal to the silos");
        }
    }

    [Fact]
    public void For_TaskReadsAndSubmissions_SubmitRoleOwnTasksOnly_CancelNeedsOperate()
    {
        var submit = AccessRules.For(typeof(ITaskShardGrain).GetMethod(nameof(ITaskShardGrain.SubmitAsync))!);
        Assert.Equal((SurgeRole?)SurgeRole.Submit, submit.Needed);
        Assert.True(submit.OwnTasks);
        var cancel = AccessRules.For(typeof(ITaskShardGrain).GetMethod(nameof(ITaskShardGrain.CancelAsync))!);
        Assert.Equal((SurgeRole?)SurgeRole.Operate, cancel.Needed);
        Assert.False(cancel.OwnTasks);
    }

    [Fact]
    public void For_OpeningASession_IsOpenToAnyClient()
        => Assert.True(AccessRules.For(typeof(ISurgeSessionGrain).GetMethod(nameof(ISurgeSessionGrain.OpenAsync))!).AnyClient);

    [Theory]
    [InlineData(null, "key-0123456789abcdef", "Submit", "Name is empty")]
    [InlineData("ci", "short", "Submit", "at least 16")]
    [InlineData("ci", null, "Submit", "exactly one of Subject")]
    public void Validate_BadClient_NamesTheFix(string? name, string? key, string role, string expected)
    {
        var options = new SecurityOptions { Clients = [new SecurityClient { Name = name, ApiKey = key, Role = Enum.Parse<SurgeRole>(role) }] };
        var result = new SecurityOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void Validate_KeyLongerThanTheMost_NamesTheFix()
    {
        var options = new SecurityOptions { Clients = [new SecurityClient { Name = "ci", ApiKey = new string('k', SecurityOptions.MaxApiKeyLength + 1) }] };
        Assert.Contains($"at most {SecurityOptions.MaxApiKeyLength}", new SecurityOptionsValidator().Validate(null, options).FailureMessage);
    }

    [Fact]
    public void Validate_SubjectAndKeyClients_Succeeds()
    {
        var options = new SecurityOptions
        {
            Clients = [new SecurityClient { Subject = "CN=reports" }, new SecurityClient { ApiKey = "key-0123456789abcdef", Name = "ci", Role = SurgeRole.Operate }],
        };
        Assert.Equal(ValidateOptionsResult.Success, new SecurityOptionsValidator().Validate(null, options));
    }
}

/// <summary>Which calls the access filter checks: those whose source is a client, except a silo's own hosted client.</summary>
public sealed class ClientAccessFilterSourceTests
{
    // Orleans' client ids: its "sys.client" grain type (ClientGrainId is internal to Orleans) and a key.
    private static GrainId Client(string key) => GrainId.Create("sys.client", key);

    [Fact]
    public void FromClient_ExternalClient_IsChecked()
        => Assert.True(ClientAccessFilter.FromClient(Client(Guid.NewGuid().ToString("N"))));

    [Fact]
    public void FromClient_SilosHostedClient_IsNotChecked()
        => Assert.False(ClientAccessFilter.FromClient(Client($"hosted-{SiloAddress.New(System.Net.IPAddress.Loopback, 11111, 1).ToParsableString()}")));

    [Fact]
    public void FromClient_ClientNamedLikeHostedButNotAtTheStart_IsChecked()
        => Assert.True(ClientAccessFilter.FromClient(Client("x-hosted-127.0.0.1:11111@1")));

    [Fact]
    public void FromClient_Grain_IsNotChecked()
        => Assert.False(ClientAccessFilter.FromClient(GrainId.Create("shard", "1")));
}
