using System.Text;
using System.Text.Json;
using Surge.Cli.CommandLine;
using Surge.Cli.Commands;

namespace Surge.Tests;

/// <summary>--output json: one document, camelCase, enums by name, a task's result as the JSON it holds.</summary>
public class CliOutputTests
{
    private static readonly TaskStatus Finished = new()
    {
        Id = "t-1", Type = "simulate", State = TaskState.Succeeded, Pool = PoolKind.Short, ActualMs = 4.5,
        SubmittedAt = DateTimeOffset.Parse("2025-01-31T12:00:00Z"), Attempts = 1, Result = Encoding.UTF8.GetBytes("""{"rows":3}"""),
    };

    [Fact]
    public void Write_Json_CamelCaseEnumsByNameResultAsJson()
    {
        var stdout = new StringWriter();
        StatusFormat.Write(stdout, OutputFormat.Json, Finished);
        using var doc = JsonDocument.Parse(stdout.ToString());
        var root = doc.RootElement;
        Assert.Equal("t-1", root.GetProperty("id").GetString());
        Assert.Equal("Succeeded", root.GetProperty("state").GetString());
        Assert.Equal("Short", root.GetProperty("pool").GetString());
        Assert.Equal(4.5, root.GetProperty("actualMs").GetDouble());
        Assert.Equal(3, root.GetProperty("result").GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("startedAt").ValueKind);
    }

    [Fact]
    public void Write_JsonResultNotJson_AsString()
    {
        var stdout = new StringWriter();
        StatusFormat.Write(stdout, OutputFormat.Json, Finished with { Result = Encoding.UTF8.GetBytes("plain text") });
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.Equal("plain text", doc.RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public void WriteList_Json_OneArrayDocument()
    {
        var stdout = new StringWriter();
        StatusFormat.WriteList(stdout, OutputFormat.Json, [Finished, Finished with { Id = "t-2", State = TaskState.Failed, DeadLettered = true }]);
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.Equal(["t-1", "t-2"], doc.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.True(doc.RootElement[1].GetProperty("deadLettered").GetBoolean());
    }

    [Fact]
    public void Write_Text_AsBefore()
    {
        var stdout = new StringWriter();
        StatusFormat.Write(stdout, OutputFormat.Text, Finished);
        Assert.Contains("state:     Succeeded", stdout.ToString());
        Assert.Contains("result:    {\"rows\":3}", stdout.ToString());
    }
}
