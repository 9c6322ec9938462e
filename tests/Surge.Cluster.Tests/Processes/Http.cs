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
}
