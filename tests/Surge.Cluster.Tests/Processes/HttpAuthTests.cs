using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Surge.Cluster.Tests.Processes;

/// <summary>
/// <c>Surge:Http:Auth</c> on a real silo process: the pages and APIs ask for basic credentials or a bearer token,
/// the probes and metrics stay open.
/// </summary>
[Collection("silo-process")]
public class HttpAuthTests(SiloProcessFixture silo)
{
    [Theory]
    [InlineData("/api/status")]
    [InlineData("/surge")]
    [InlineData("/dashboard/")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/tasks/some-task")]
    public async Task ProtectedEndpoint_NoCredential_401ChallengingBasicAndBearer(string path)
    {
        using var http = silo.Http(signedIn: false);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = response.Headers.WwwAuthenticate.Select(c => c.Scheme).ToList();
        Assert.Equal(["Basic", "Bearer"], challenges); // Basic first: what makes a browser show its sign-in prompt
        Assert.Contains("realm=\"Surge\"", response.Headers.WwwAuthenticate.First().Parameter);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    [InlineData("/metrics")]
    public async Task ProbeOrMetrics_NoCredential_Served(string path)
    {
        using var http = silo.Http(signedIn: false);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ApiStatus_BearerToken_Served()
    {
        using var http = silo.Http(signedIn: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SiloProcessFixture.Token);
        using var response = await http.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer", "not-the-token-at-all")]
    [InlineData("Basic", "operator:wrong-password-here")]
    [InlineData("Basic", "nobody:process-tests-password")]
    [InlineData("Basic", "no colon here")]
    public async Task ApiStatus_WrongCredential_401(string scheme, string credential)
    {
        using var http = silo.Http(signedIn: false);
        var parameter = scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(credential)) : credential;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);
        using var response = await http.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // The dashboard's log stream shows any caller's task ids and errors: Operate, as the status page's task pages.
    [Theory]
    [InlineData(SiloProcessFixture.ViewerToken, HttpStatusCode.Forbidden)]
    [InlineData(SiloProcessFixture.Token, HttpStatusCode.OK)]
    public async Task Dashboard_ByRole_OperateOrAbove(string token, HttpStatusCode expected)
    {
        using var http = silo.Http(signedIn: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("/dashboard/");
        Assert.Equal(expected, response.StatusCode);
    }

    // GrainState activates any grain and returns its stored state (any task's record): Admin only.
    [Theory]
    [InlineData(SiloProcessFixture.ViewerToken, true)]
    [InlineData(SiloProcessFixture.Token, true)]
    [InlineData(SiloProcessFixture.AdminToken, false)]
    public async Task DashboardGrainState_ByRole_AdminOnly(string token, bool refused)
    {
        using var http = silo.Http(signedIn: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("/dashboard/GrainState?grainId=0&grainType=No.Such.Grain");
        if (refused) Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        else Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
    }

    // The task API runs work as a gateway client would: without credentials nothing is submitted.
    [Fact]
    public async Task TaskApi_SubmitWithoutCredential_401AndNothingSubmitted()
    {
        var id = $"http-auth-{Guid.NewGuid():N}";
        var task = new { id, type = "simulate", payload = new { duration_ms = 5 } };
        using (var anonymous = silo.Http(signedIn: false))
        using (var refused = await anonymous.PostAsJsonAsync("/api/tasks", task))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var http = silo.Http(signedIn: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SiloProcessFixture.Token);
        using (var unknown = await http.GetAsync($"/api/tasks/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using var accepted = await http.PostAsJsonAsync("/api/tasks", task);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }
}
