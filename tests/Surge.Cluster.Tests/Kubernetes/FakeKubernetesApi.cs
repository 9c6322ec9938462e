using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surge.Cluster.Tests.Kubernetes;

/// <summary>
/// A local HTTP server on 127.0.0.1 answering GET and PATCH of StatefulSets' scale subresource (one, plus any
/// <see cref="AddStatefulSet"/> adds, as silo groups have) the way the
/// Kubernetes API server does (autoscaling/v1 Scale, merge patches, optimistic concurrency on resourceVersion,
/// Status objects for errors), with failures it can be told to produce.
/// </summary>
public sealed class FakeKubernetesApi : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Lock _lock = new();
    private int _failuresLeft;
    private HttpStatusCode _failWith;
    private bool _modifyAfterNextRead;
    private readonly Dictionary<string, int> _replicas = new(StringComparer.Ordinal);

    public FakeKubernetesApi(string @namespace, string statefulSet, int replicas)
    {
        Namespace = @namespace;
        StatefulSet = statefulSet;
        _replicas[statefulSet] = replicas;
        Port = Processes.Repo.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Namespace { get; }
    public string StatefulSet { get; }
    public int Replicas => ReplicasOf(StatefulSet);
    public int ResourceVersion { get; private set; } = 7;
    public List<(string Method, string Path, string? ContentType, string Body, int Status)> Requests { get; } = [];
    public string ScalePath => ScalePathOf(StatefulSet);

    public string ScalePathOf(string statefulSet) => $"/apis/apps/v1/namespaces/{Namespace}/statefulsets/{statefulSet}/scale";

    /// <summary>Another StatefulSet in the namespace (another silo group's).</summary>
    public void AddStatefulSet(string name, int replicas) { lock (_lock) _replicas[name] = replicas; }

    public int ReplicasOf(string statefulSet) { lock (_lock) return _replicas[statefulSet]; }

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>.</summary>
    public void Fail(int count, HttpStatusCode status) { lock (_lock) { _failuresLeft = count; _failWith = status; } }

    /// <summary>Someone else changes the StatefulSet right after the next read: the following patch conflicts.</summary>
    public void ModifyAfterNextRead() { lock (_lock) _modifyAfterNextRead = true; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var body = await new StreamReader(context.Request.InputStream).ReadToEndAsync();
            var (status, response) = Handle(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body);
            lock (_lock) Requests.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body, status));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(response);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int, string) Handle(string method, string path, string? contentType, string body)
    {
        lock (_lock)
        {
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                return ((int)_failWith, StatusJson((int)_failWith, "InternalError", "etcdserver: request timed out"));
            }
            var name = _replicas.Keys.FirstOrDefault(n => path == ScalePathOf(n));
            if (name is null) return (404, StatusJson(404, "NotFound", $"the server could not find the requested resource ({path})"));
            if (method == "GET")
            {
                var scale = ScaleJson(name);
                if (_modifyAfterNextRead)
                {
                    _modifyAfterNextRead = false;
                    ResourceVersion++;
                }
                return (200, scale);
            }
            if (method == "PATCH")
            {
                if (contentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
                    return (415, StatusJson(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"));
                var patch = JsonNode.Parse(body)!;
                if (patch["metadata"]?["resourceVersion"]?.GetValue<string>() is { } version && version != ResourceVersion.ToString())
                    return (409, StatusJson(409, "Conflict", $"Operation cannot be fulfilled on statefulsets.apps \"{name}\": the object has been modified; please apply your changes to the latest version and try again"));
                if (patch["spec"]?["replicas"]?.GetValue<int>() is { } replicas)
                {
                    _replicas[name] = replicas;
                    ResourceVersion++;
                }
                return (200, ScaleJson(name));
            }
            return (405, StatusJson(405, "MethodNotAllowed", $"{method} is not supported"));
        }
    }

    private string ScaleJson(string name) => JsonSerializer.Serialize(new
    {
        kind = "Scale",
        apiVersion = "autoscaling/v1",
        metadata = new { name, @namespace = Namespace, uid = "3b1f6c4e-0d1a-4a38-9d6e-2f1e1d9c7a10", resourceVersion = ResourceVersion.ToString(), creationTimestamp = "2026-11-01T00:00:00Z" },
        spec = new { replicas = _replicas[name] },
        status = new { replicas = _replicas[name], selector = $"app.kubernetes.io/name={name}" },
    });

    private static string StatusJson(int code, string reason, string message) => JsonSerializer.Serialize(new
    {
        kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message, reason, code,
    });

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
