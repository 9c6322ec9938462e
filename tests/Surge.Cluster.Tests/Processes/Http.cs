using System.Net;

namespace Surge.Cluster.Tests.Processes;

/// <summary>Asking a silo process over HTTP while it starts and stops: a refused connection is an answer too.</summary>
internal static class Http
{
    public static async Task<(HttpStatusCode? Status, string Body)> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, "");
        }
    }

    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {limit}");
            await Task.Delay(50);
        }
    }
}
