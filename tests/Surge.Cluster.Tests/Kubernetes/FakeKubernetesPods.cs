using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Surge.Cluster.Tests.Kubernetes;

/// <summary>
/// A local HTTP server on 127.0.0.1 serving one namespace's pods the way the Kubernetes API server does for what
/// Orleans' Kubernetes hosting asks: get a pod, list pods by label selector (a PodList with its resourceVersion), and
/// watch them (a chunked stream of JSON lines, ADDED for every pod that exists when the watch opens, then ADDED and
/// DELETED as pods come and go). Anything else is recorded and answered 404 or 405. Callers are told apart by their
/// bearer token.
/// </summary>
public sealed class FakeKubernetesPods : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonObject> _pods = [];
    private readonly List<Watch> _watches = [];
    private readonly CancellationTokenSource _stop = new();
    private int _resourceVersion = 100;

    public FakeKubernetesPods(string @namespace)
    {
        Namespace = @namespace;
        Port = Processes.Repo.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }
    public string Namespace { get; }
    public string PodsPath => $"/api/v1/namespaces/{Namespace}/pods";

    /// <summary>Every request: method, path, query, the caller's token, the status answered.</summary>
    public List<(string Method, string Path, string Query, string? Token, int Status)> Requests { get { lock (_lock) return [.. _requests]; } }
    private readonly List<(string, string, string, string?, int)> _requests = [];

    /// <summary>A kubeconfig pointing at this server, with the caller's token (how a silo process is pointed here).</summary>
    public string WriteKubeConfig(string directory, string token)
    {
        var path = Path.Combine(directory, $"kubeconfig-{token}");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stand-in
              cluster: {"{"}server: "http://127.0.0.1:{Port}"{"}"}
            users:
            - name: {token}
              user: {"{"}token: "{token}"{"}"}
            contexts:
            - name: stand-in
              context: {"{"}cluster: stand-in, user: {token}, namespace: {Namespace}{"}"}
            current-context: stand-in
            """);
        return path;
    }

    /// <summary>True while a watch opened with <paramref name="token"/> is streaming.</summary>
    public bool IsWatching(string token) { lock (_lock) return _watches.Any(w => w.Token == token); }

    public void AddPod(string name, IReadOnlyDictionary<string, string> labels)
    {
        lock (_lock)
        {
            var pod = PodJson(name, labels, ++_resourceVersion);
            _pods[name] = pod;
            Publish("ADDED", pod);
        }
    }

    /// <summary>Deletes the pod and tells every open watch; returns when the event was written, on a stopwatch timestamp.</summary>
    public long DeletePod(string name)
    {
        lock (_lock)
        {
            var pod = _pods[name];
            _pods.Remove(name);
            pod["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString();
            pod["metadata"]!["deletionTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
            Publish("DELETED", pod);
            return Stopwatch.GetTimestamp();
        }
    }

    private void Publish(string type, JsonObject pod)
    {
        foreach (var watch in _watches.Where(w => w.Selects(pod)))
            watch.Events.Writer.TryWrite(Event(type, pod));
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(context)); // a watch holds its request open
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        var token = request.Headers["Authorization"] is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;
        var watch = request.HttpMethod == "GET" && path == PodsPath && query["watch"] is "true" or "1";
        var (status, body) = watch ? (200, null) : Handle(request.HttpMethod, path, query);
        lock (_lock) _requests.Add((request.HttpMethod, path, request.Url.Query.TrimStart('?'), token, status));
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        try
        {
            if (watch) await StreamAsync(response, new Watch(token, Selector(query["labelSelector"])));
            else await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body!));
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            response.Abort(); // the caller went away (or this server stopped)
        }
    }

    private async Task StreamAsync(HttpListenerResponse response, Watch watch)
    {
        response.SendChunked = true;
        lock (_lock)
        {
            // A watch without a resourceVersion starts with the current state, as synthetic ADDED events.
            foreach (var pod in _pods.Values.Where(watch.Selects)) watch.Events.Writer.TryWrite(Event("ADDED", pod));
            _watches.Add(watch);
        }
        try
        {
            await foreach (var line in watch.Events.Reader.ReadAllAsync(_stop.Token))
            {
                await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), _stop.Token);
                await response.OutputStream.FlushAsync(_stop.Token);
            }
        }
        finally
        {
            lock (_lock) _watches.Remove(watch);
        }
    }

    private (int, string) Handle(string method, string path, System.Collections.Specialized.NameValueCollection query)
    {
        lock (_lock)
        {
            if (method != "GET") return (405, StatusJson(405, "MethodNotAllowed", $"{method} is not supported here"));
            if (path == PodsPath)
            {
                var selector = Selector(query["labelSelector"]);
                return (200, JsonSerializer.Serialize(new JsonObject
                {
                    ["kind"] = "PodList", ["apiVersion"] = "v1",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString() },
                    ["items"] = new JsonArray(_pods.Values.Where(p => Matches(selector, p)).Select(p => p.DeepClone()).ToArray()),
                }));
            }
            if (path.StartsWith(PodsPath + "/", StringComparison.Ordinal) && path[(PodsPath.Length + 1)..] is var name && !name.Contains('/'))
            {
                return _pods.TryGetValue(name, out var pod) ? (200, pod.ToJsonString())
                    : (404, StatusJson(404, "NotFound", $"pods \"{name}\" not found"));
            }
            return (404, StatusJson(404, "NotFound", $"the server could not find the requested resource ({path})"));
        }
    }

    // Equality-based selectors only ("a=b,c==d"): what Orleans sends.
    private static Dictionary<string, string> Selector(string? selector)
        => (selector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(term => term.Replace("==", "=").Split('=', 2)).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());

    private static bool Matches(Dictionary<string, string> selector, JsonObject pod)
        => selector.All(term => (string?)pod["metadata"]!["labels"]?[term.Key] == term.Value);

    private static string Event(string type, JsonObject pod)
        => new JsonObject { ["type"] = type, ["object"] = pod.DeepClone() }.ToJsonString();

    private JsonObject PodJson(string name, IReadOnlyDictionary<string, string> labels, int resourceVersion) => new()
    {
        ["kind"] = "Pod", ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = name, ["namespace"] = Namespace, ["uid"] = Guid.NewGuid().ToString(),
            ["resourceVersion"] = resourceVersion.ToString(), ["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "silo", ["image"] = "surge-silo" }) },
        ["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "127.0.0.1" },
    };

    private static string StatusJson(int code, string reason, string message) => JsonSerializer.Serialize(new
    {
        kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message, reason, code,
    });

    private sealed class Watch(string? token, Dictionary<string, string> selector)
    {
        public string? Token => token;
        public Channel<string> Events { get; } = Channel.CreateUnbounded<string>();
        public bool Selects(JsonObject pod) => Matches(selector, pod);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
    }
}
