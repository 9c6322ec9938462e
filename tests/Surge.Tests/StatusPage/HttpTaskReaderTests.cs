using System.Security.Claims;
using Surge.Hosting;

namespace Surge.Tests.StatusPage;

/// <summary>Who asks the HTTP task API: scoped by the role Surge:Http:Auth gave it, unscoped while no credential is set.</summary>
public sealed class HttpTaskReaderTests
{
    private static readonly HttpCredentials Configured = new(new HttpAuthOptions { Tokens = { ["viewer"] = "viewer-token-long-enough" } });

    private static ClaimsPrincipal SignedIn(string name, SurgeRole role, string scheme = "Surge")
        => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString())], scheme));

    [Fact]
    public void Of_NoCredentialConfigured_NullSoEveryTaskIsRead()
        => Assert.Null(HttpTaskReader.Of(new ClaimsPrincipal(new ClaimsIdentity()), new HttpCredentials(new HttpAuthOptions())));

    [Fact]
    public void Of_SubmitRoleToken_RecordsItsHttpNameAndReadsOnlyItsOwn()
    {
        var reader = HttpTaskReader.Of(SignedIn("token:viewer", SurgeRole.Submit), Configured)!.Value;
        Assert.Equal("http:token:viewer", reader.Submitter);
        Assert.True(reader.Scoped);
        Assert.True(reader.MayRead(new TaskStatus { Id = "a", Type = "simulate", Submitter = "http:token:viewer" }));
        Assert.False(reader.MayRead(new TaskStatus { Id = "b", Type = "simulate", Submitter = "http:operator" }));
        // A gateway client of the same name is another caller.
        Assert.False(reader.MayRead(new TaskStatus { Id = "c", Type = "simulate", Submitter = "token:viewer" }));
    }

    [Fact]
    public void Of_SignedInByAnotherScheme_NoRoleAndReadsNothing()
    {
        var reader = HttpTaskReader.Of(SignedIn("someone", SurgeRole.Admin, scheme: "Cookies"), Configured)!.Value;
        Assert.Null(reader.Role);
        Assert.False(reader.MayRead(new TaskStatus { Id = "a", Type = "simulate" }));
    }
}
