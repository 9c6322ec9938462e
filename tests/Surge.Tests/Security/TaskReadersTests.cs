using Surge.Security;

namespace Surge.Tests.Security;

/// <summary>Whose task a caller may see, at the gateway and over HTTP: operators any, submitters their own, no system task.</summary>
public sealed class TaskReadersTests
{
    private static TaskStatus Task(string id, string? submitter) => new() { Id = id, Type = "simulate", State = TaskState.Succeeded, Submitter = submitter };

    [Fact]
    public void MayRead_OwnTaskAsSubmitter_True()
        => Assert.True(TaskReaders.MayRead(SurgeRole.Submit, "CN=alice", Task("order-1", "CN=alice")));

    [Theory]
    [InlineData("CN=bob")]
    [InlineData(null)]
    public void MayRead_AnotherCallersTaskAsSubmitter_False(string? submitter)
        => Assert.False(TaskReaders.MayRead(SurgeRole.Submit, "CN=alice", Task("order-1", submitter)));

    // Callers without an identity share one, as documented: they see the tasks nameless callers submitted.
    [Fact]
    public void MayRead_NamelessTaskAsNamelessSubmitter_True()
        => Assert.True(TaskReaders.MayRead(SurgeRole.Submit, null, Task("order-1", null)));

    [Theory]
    [InlineData("schedule:nightly:2025-01-01T00:00:00Z")]
    [InlineData("wave:w1:order-1:resize@v1")]
    public void MayRead_SystemTaskAsNamelessSubmitter_False(string id)
    {
        Assert.False(TaskReaders.MayRead(SurgeRole.Submit, null, Task(id, null)));
        Assert.Contains("silos themselves", TaskReaders.Refusal(Task(id, null)));
        Assert.Contains("Operate", TaskReaders.Refusal(Task(id, null)));
    }

    [Theory]
    [InlineData(SurgeRole.Operate)]
    [InlineData(SurgeRole.Admin)]
    public void MayRead_AnyTaskAsOperatorOrAdmin_True(SurgeRole role)
    {
        Assert.True(TaskReaders.MayRead(role, "CN=olga", Task("order-1", "CN=alice")));
        Assert.True(TaskReaders.MayRead(role, null, Task("schedule:nightly:2025-01-01T00:00:00Z", null)));
    }
}
