using System.Text;
using System.Text.Json;
using Surge.Hosting;

namespace Surge.Tests;

/// <summary>The HTTP API's body (<c>POST /api/tasks</c>) read into a spec: what it accepts, and what it refuses by name.</summary>
public class TaskSubmissionTests
{
    [Theory]
    [InlineData("300", 300)]
    [InlineData("\"300\"", 300)] // quoted, as many clients send numbers: seconds still, not TimeSpan's bare days
    [InlineData("\"2.5\"", 2.5)]
    [InlineData("\"00:05:00\"", 300)]
    [InlineData("\"PT5M\"", 300)]
    public void Timeout_NumberOrDuration_ReadAsSeconds(string timeout, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), Read($$"""{"type":"echo","timeout":{{timeout}}}""").Timeout);

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"1e300\"")]
    [InlineData("\"soon\"")]
    public void Timeout_NotADuration_Refused(string timeout)
        => Assert.Throws<JsonException>(() => Read($$"""{"type":"echo","timeout":{{timeout}}}"""));

    [Fact]
    public void ToSpec_FeatureTextWithAnEscapedLoneSurrogate_RefusedNamingTheFeature()
    {
        var e = Assert.Throws<SurgeValidationException>(() => Read("""{"type":"echo","features":{"source":"\ud800"}}""").ToSpec());
        Assert.Equal("features.source", e.Field);
        Assert.Contains("not valid text", e.Message);
    }

    [Theory]
    [InlineData("""{"type":"echo","payload":{"x":"#"}}""", "payload")]
    [InlineData("""{"type":"echo","features":{"source":"#"}}""", "features.source")]
    public void ToSpec_InvalidUtf8InAText_RefusedNamingTheField(string body, string field)
    {
        // The reader passes invalid UTF-8 inside a string through the parse; only reading its text finds it.
        var bytes = Encoding.UTF8.GetBytes(body).SelectMany(b => b == (byte)'#' ? new byte[] { 0xFF, 0xFE } : [b]).ToArray();
        var submission = JsonSerializer.Deserialize<TaskSubmission>(bytes, TaskApi.Json)!;
        Assert.Equal(field, Assert.Throws<SurgeValidationException>(submission.ToSpec).Field);
    }

    [Fact]
    public void ToSpec_AFeatureOfAnotherKindWithAHugeName_NamesItCut()
    {
        var name = new string('n', 100_000);
        var e = Assert.Throws<SurgeValidationException>(() => Read($$$"""{"type":"echo","features":{"{{{name}}}":true}}""").ToSpec());
        Assert.Equal($"features.{new string('n', 32)}…", e.Field);
    }

    private static TaskSubmission Read(string json) => JsonSerializer.Deserialize<TaskSubmission>(json, TaskApi.Json)!;
}
