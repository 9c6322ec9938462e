using Surge.Hosting;

namespace Surge.Tests.StatusPage;

public class HttpRolesTests
{
    private static HttpAuthOptions Options() => new()
    {
        Users = { ["alice"] = "alice-password-long-enough" },
        Tokens = { ["grafana"] = "grafana-token-long-enough" },
    };

    [Fact]
    public void RoleOf_NamedOrNot_NamedRoleElseTheDefaultOperate()
    {
        var options = Options();
        options.Roles["grafana"] = SurgeRole.Submit;
        var credentials = new HttpCredentials(options);
        Assert.Equal(SurgeRole.Submit, credentials.RoleOf("GRAFANA"));
        Assert.Equal(SurgeRole.Operate, credentials.RoleOf("alice"));
    }

    [Fact]
    public void Validate_RoleForNoUserOrToken_RefusedNamingIt()
    {
        var options = Options();
        options.Roles["bob"] = SurgeRole.Admin;
        var result = new HttpAuthOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Roles:bob", result.FailureMessage);
    }
}
