using System.Security.Cryptography;
using System.Text;
using Surge.Hosting;

namespace Surge.Tests;

public class HttpAuthTests
{
    private const string Password = "correct-horse-battery";
    private const string Token = "0123456789abcdef0123";

    private static HttpCredentials Credentials(string? password = null, string? token = null) => new(new HttpAuthOptions
    {
        Users = { ["ops"] = password ?? Password },
        Tokens = { ["ci"] = token ?? Token },
    });

    private static string Sha256(string secret) => "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    [Fact]
    public void CheckUser_RightPassword_True()
        => Assert.True(Credentials().CheckUser("ops", Password));

    [Theory]
    [InlineData("ops", "correct-horse-battery!")]
    [InlineData("ops", "")]
    [InlineData("nobody", Password)]
    public void CheckUser_WrongPasswordOrUnknownUser_False(string user, string password)
        => Assert.False(Credentials().CheckUser(user, password));

    [Fact]
    public void CheckUser_NameInAnotherCase_TrueAsConfigurationKeysAre()
        => Assert.True(Credentials().CheckUser("OPS", Password));

    [Fact]
    public void CheckToken_KnownToken_ItsName()
    {
        Assert.Equal("ci", Credentials().CheckToken(Token));
        Assert.Null(Credentials().CheckToken(Token + "x"));
        Assert.Null(Credentials().CheckToken(Password));
    }

    [Fact]
    public void Check_SecretsConfiguredAsSha256_MatchTheSecretNotTheDigest()
    {
        var credentials = Credentials(Sha256(Password), Sha256(Token).ToLowerInvariant());
        Assert.True(credentials.CheckUser("ops", Password));
        Assert.Equal("ci", credentials.CheckToken(Token));
        Assert.False(credentials.CheckUser("ops", Sha256(Password)));
    }

    // Names match without case; a task records its submitter by the configured name, so the user reads it however it
    // types its name.
    [Fact]
    public void UserName_CasedOtherwise_TheConfiguredName()
    {
        var credentials = Credentials();
        Assert.True(credentials.CheckUser("OPS", Password));
        Assert.Equal("ops", credentials.UserName("OPS"));
        Assert.Equal("ops", credentials.UserName("ops"));
    }

    [Fact]
    public void Enabled_NoUserNoToken_Off()
    {
        Assert.False(new HttpAuthOptions().Enabled);
        Assert.False(new HttpCredentials(new HttpAuthOptions()).Enabled);
        Assert.True(Credentials().Enabled);
    }

    [Fact]
    public void Validator_ShortSecretOrBadDigest_NamesTheKeyAndTheFix()
    {
        var result = new HttpAuthOptionsValidator().Validate(null, new HttpAuthOptions
        {
            Users = { ["ops"] = "secret" },
            Tokens = { ["ci"] = "sha256:abc", ["empty"] = "" },
        });
        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Surge:Http:Auth:Users:ops is 6 characters") && f.Contains("openssl rand"));
        Assert.Contains(result.Failures!, f => f.StartsWith("Surge:Http:Auth:Tokens:ci is not sha256:"));
        Assert.Contains(result.Failures!, f => f.StartsWith("Surge:Http:Auth:Tokens:empty is empty"));
    }

    [Fact]
    public void Validator_GeneratedSecretsAndDigests_Accepted()
        => Assert.False(new HttpAuthOptionsValidator().Validate(null, new HttpAuthOptions
        {
            Users = { ["ops"] = Password },
            Tokens = { ["ci"] = Sha256(Token) },
        }).Failed);
}
