using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Surge.Cluster.Tests.Processes;

/// <summary>The HTTP task API on a real silo process, driven as a Python or Go producer would: plain HTTP and JSON.</summary>
public class TaskApiTests(TaskApiSiloFixture silo) : IClassFixture<TaskApiSiloFixture>
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(90) };

    [Fact]
    public async Task Submit_ThenWait_SucceededWithTheResult()
    {
        using var submitted = await PostAsync("""{"type":"echo","payload":{"args":["hello"]},"features":{"source":"http","rows":3}}""");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await JsonAsync(submitted)).GetProperty("id").GetString()!;
        Assert.Equal($"/api/tasks/{id}", submitted.Headers.Location?.OriginalString);

        using var waited = await _http.GetAsync($"{submitted.Headers.Location}/wait?timeout=30");
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        var status = await JsonAsync(waited);
        Assert.Equal("Succeeded", status.GetProperty("state").GetString());
        Assert.True(status.GetProperty("final").GetBoolean());
        Assert.Equal(0, status.GetProperty("result").GetProperty("exit_code").GetInt32());
        Assert.Equal("hello\n", status.GetProperty("result").GetProperty("stdout").GetString());

        var again = await JsonAsync(await _http.GetAsync($"/api/tasks/{id}"));
        Assert.Equal("Succeeded", again.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Submit_SameIdTwice_ReturnsTheSameTask()
    {
        var body = $$$"""{"id":"http-dup-{{{Guid.NewGuid():N}}}","type":"echo","payload":{"args":["once"]}}""";
        using var first = await PostAsync(body);
        using var second = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var a = await JsonAsync(first);
        var b = await JsonAsync(second);
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal(a.GetProperty("submittedAt").GetDateTimeOffset(), b.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Theory]
    [InlineData("""{"type":"echo","maxAttempts":0}""", "maxAttempts", "outside 1 to 100")]
    [InlineData("""{"payload":{}}""", "type", "must not be empty")]
    [InlineData("""{"type":"no-such-type"}""", "type", "registered types:")]
    [InlineData("""{"type":"echo","sequence":2}""", "sequence", "requires an entity")]
    [InlineData("""{"type":"echo","features":{"source":true}}""", "features.source", "give a string")]
    public async Task Submit_InvalidTask_400NamingTheFieldAndTheFix(string body, string field, string fix)
    {
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var message = Assert.Single((await JsonAsync(response)).GetProperty("errors").GetProperty(field).EnumerateArray()).GetString();
        Assert.Contains(fix, message);
    }

    [Theory]
    [InlineData("""{"type":"echo","sequence":"first"}""", "sequence")]
    [InlineData("""{"type":"echo","timeout":"soon"}""", "timeout")]
    [InlineData("""{"type":"echo","timeout":"P99999999D"}""", "timeout")] // an ISO 8601 duration past TimeSpan's range
    [InlineData("""{"type":"echo","max_attempts":3}""", "max_attempts")]
    [InlineData("""{"type":"echo",""", "line 1")]
    [InlineData("", "body")]
    public async Task Submit_MalformedJson_400NamingWhereItFailed(string body, string where)
    {
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        var (field, messages) = Assert.Single(errors.EnumerateObject().Select(p => (p.Name, p.Value)));
        Assert.Contains(where, field + " " + messages[0].GetString());
    }

    // The serializer's words named .NET types ("could not be converted to System.Nullable`1[System.Int32]").
    [Theory]
    [InlineData("""{"type":"echo","maxAttempts":"three"}""", "maxAttempts must be a whole number from 1 to 100")]
    [InlineData("""{"type":["echo"]}""", "type must be a string")]
    [InlineData("""{"type":"echo","features":[1]}""", "features must be an object of names to strings or numbers")]
    public async Task Submit_ValueOfTheWrongShape_400SayingTheShape(string body, string expected)
    {
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await JsonAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains(expected, message);
        Assert.DoesNotContain("System.", message);
    }

    // curl -d, and Python's requests.post(url, data=...), send JSON as a form unless told: the refusal says what to send.
    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task Submit_NotJsonContentType_415NamingContentTypeAndTheFix(string contentType)
    {
        using var content = new StringContent("""{"type":"echo"}""", Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await _http.PostAsync("/api/tasks", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var detail = (await JsonAsync(response)).GetProperty("detail").GetString();
        Assert.Contains("Content-Type: application/json", detail);
    }

    // No Content-Type at all: read as JSON, as it always was.
    [Fact]
    public async Task Submit_NoContentType_ReadAsJson()
    {
        using var content = new StringContent("""{"type":"echo","payload":{"args":["bare"]}}""", Encoding.UTF8);
        content.Headers.ContentType = null;
        using var response = await _http.PostAsync("/api/tasks", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Submit_PayloadOverTheSilosBound_400NamingTheLimit()
    {
        var payload = JsonSerializer.Serialize(new string('x', TaskApiSiloFixture.MaxPayloadBytes));
        using var response = await PostAsync($$$"""{"type":"echo","payload":{{{payload}}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await JsonAsync(response)).GetProperty("errors").GetProperty("payload")[0].GetString();
        Assert.Contains($"limit of {TaskApiSiloFixture.MaxPayloadBytes} bytes", message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // chunked: no length to refuse up front, cut off while read
    public async Task Submit_BodyOverTheBound_413NamingTheLimit(bool withLength)
    {
        var body = $$"""{"type":"echo","payload":"{{new string('x', 600 * 1024)}}"}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (withLength) await content.LoadIntoBufferAsync();
        else content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = content };
        if (!withLength) request.Headers.TransferEncodingChunked = true;
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Contains($"a payload may be at most {TaskApiSiloFixture.MaxPayloadBytes} bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Get_UnknownId_404()
    {
        using var status = await _http.GetAsync($"/api/tasks/nobody-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        using var wait = await _http.GetAsync($"/api/tasks/nobody-{Guid.NewGuid():N}/wait?timeout=1");
        Assert.Equal(HttpStatusCode.NotFound, wait.StatusCode);
    }

    [Fact]
    public async Task Get_IdWithASlash_ItsLocationAndWaitFindIt()
    {
        var id = $"order/{Guid.NewGuid():N}";
        using var submitted = await PostAsync($$$"""{"id":"{{{id}}}","type":"echo","payload":{"args":["slash"]}}""");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var location = submitted.Headers.Location!.OriginalString;
        Assert.Equal($"/api/tasks/{Uri.EscapeDataString(id)}", location);

        using var waited = await _http.GetAsync($"{location}/wait?timeout=30");
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal(id, (await JsonAsync(waited)).GetProperty("id").GetString());
        using var status = await _http.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(id, (await JsonAsync(status)).GetProperty("id").GetString());
    }

    // The id pct%2F…: its Location escapes it as pct%252F…, which the server decodes to pct%2F… and which was read as a
    // slash, so the silo's own Location answered 404, or found the task pct/… of another submission.
    [Fact]
    public async Task Get_IdWithAnEscapedSlashAsText_ItsLocationFindsItNotTheSlashedOne()
    {
        var suffix = Guid.NewGuid().ToString("N");
        using var slashed = await PostAsync($$$"""{"id":"pct/{{{suffix}}}","type":"echo","payload":{"args":["slash"]}}""");
        using var submitted = await PostAsync($$$"""{"id":"pct%2F{{{suffix}}}","type":"echo","payload":{"args":["text"]}}""");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var location = submitted.Headers.Location!.OriginalString;
        Assert.Equal($"/api/tasks/pct%252F{suffix}", location);

        using var waited = await _http.GetAsync($"{location}/wait?timeout=30");
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        var task = await JsonAsync(waited);
        Assert.Equal($"pct%2F{suffix}", task.GetProperty("id").GetString());
        Assert.Equal("text\n", task.GetProperty("result").GetProperty("stdout").GetString());
        using var status = await _http.GetAsync(location);
        Assert.Equal($"pct%2F{suffix}", (await JsonAsync(status)).GetProperty("id").GetString());
        using var slashedStatus = await _http.GetAsync($"/api/tasks/pct%2F{suffix}");
        Assert.Equal($"pct/{suffix}", (await JsonAsync(slashedStatus)).GetProperty("id").GetString());
    }

    // The reader lets invalid UTF-8 inside a string through; reading its text threw past the body's handlers: a 500,
    // and a stack trace in the silo's log for every such request.
    [Theory]
    [InlineData("""{"type":"echo","payload":{"x":"#"}}""", "payload")]
    [InlineData("""{"type":"echo","features":{"source":"#"}}""", "features.source")]
    public async Task Submit_InvalidUtf8InAText_400NamingTheField(string body, string field)
    {
        var bytes = Encoding.UTF8.GetBytes(body).SelectMany(b => b == (byte)'#' ? new byte[] { 0xFF, 0xFE } : [b]).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync("/api/tasks", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single((await JsonAsync(response)).GetProperty("errors").GetProperty(field).EnumerateArray()).GetString();
        Assert.Contains("not valid text", message);
    }

    // A body the server cannot read (bad chunk framing) was the silo's error in its log, answered with an empty 400.
    [Fact]
    public async Task Submit_MalformedChunkedBody_400SayingSoAndNoErrorLogged()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", silo.HttpPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)); // the server closes after a bad body
        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("the body could not be read", answer);
        Assert.DoesNotContain("BadHttpRequestException", silo.Log);
    }

    [Theory]
    [InlineData("/api/tasks/%20")]
    [InlineData("/api/tasks/%20/wait?timeout=1")]
    public async Task Get_BlankId_400NamingId(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must not be empty", (await JsonAsync(response)).GetProperty("errors").GetProperty("id")[0].GetString());
    }

    [Theory]
    [InlineData("61")]
    [InlineData("-1")]
    [InlineData("soon")]
    public async Task Wait_BadTimeout_400NamingTheParameter(string timeout)
    {
        using var response = await _http.GetAsync($"/api/tasks/any/wait?timeout={timeout}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await JsonAsync(response)).GetProperty("errors").GetProperty("timeout")[0].GetString();
        Assert.Contains("from 0 to 60", message);
    }

    [Fact]
    public async Task Wait_TaskNotFinalByTheTimeout_ReturnsItsCurrentStatus()
    {
        using var submitted = await PostAsync("""{"type":"simulate","payload":{"duration_ms":5000}}""");
        var id = (await JsonAsync(submitted)).GetProperty("id").GetString();
        using var waited = await _http.GetAsync($"/api/tasks/{id}/wait?timeout=0.2");
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        var status = await JsonAsync(waited);
        Assert.False(status.GetProperty("final").GetBoolean());
        Assert.Contains(status.GetProperty("state").GetString(), new[] { "Queued", "Running" });
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheThreePaths()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/tasks").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/tasks/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/tasks/{id}/wait").TryGetProperty("get", out _));
    }

    private Task<HttpResponseMessage> PostAsync(string json)
        => _http.PostAsync("/api/tasks", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
        => await response.Content.ReadFromJsonAsync<JsonElement>();
}
