using Surge.Flows;

namespace Surge.Tests.Flows;

public class FlowValidatorTests
{
    private static FlowBuilder Diamond() => new FlowBuilder("diamond")
        .Task("load", "simulate", "v1", output: "raw")
        .Task("left", "simulate", "v1", output: "l", inputs: ["raw"])
        .Task("right", "simulate", "v1", output: "r", inputs: ["raw"])
        .Task("join", "simulate", "v1", output: "joined", inputs: ["l", "r"]);

    [Fact]
    public void Build_Diamond_IsValid()
        => Assert.Equal(4, Diamond().Build().Tasks.Length);

    // A FlowTask built by hand (not by FlowBuilder) may leave Inputs default: the cycle search read it as an array.
    [Fact]
    public void Check_TaskWithDefaultInputs_ValidNoNullReference()
    {
        var flow = new FlowDefinition("hand", [new FlowTask("load", "simulate", "v1", default, "raw", TimeSpan.FromMinutes(1))], TimeSpan.FromDays(1));
        Assert.Empty(FlowValidator.Check(flow));
    }

    [Fact]
    public void Check_InputNobodyProduces_NamesTaskAndField()
    {
        var flow = Diamond().Task("report", "simulate", "v1", output: "out", inputs: ["features"]);

        var error = Assert.Single(FlowValidator.Check(Unchecked(flow)));

        Assert.Equal(("report", "inputs"), (error.Task, error.Field));
        Assert.Contains("'features' is produced by no task", error.Message);
    }

    [Fact]
    public void Check_Cycle_NamesItsTasksInOrder()
    {
        var flow = new FlowBuilder("loop")
            .Task("a", "simulate", "v1", output: "pa", inputs: ["pc"])
            .Task("b", "simulate", "v1", output: "pb", inputs: ["pa"])
            .Task("c", "simulate", "v1", output: "pc", inputs: ["pb"]);

        var error = Assert.Single(FlowValidator.Check(Unchecked(flow)));

        Assert.Equal("inputs", error.Field);
        Assert.Contains("cycle", error.Message);
        Assert.Matches("a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c", error.Message);
    }

    [Fact]
    public void Check_EveryFailure_CollectedWithItsTaskAndField()
    {
        var flow = new FlowBuilder("bad")
            .Task("x", "simulate", "version one", output: "p")
            .Task("x", "", "v1", output: "p", dependencyTimeout: TimeSpan.Zero, payload: "[1]")
            .Task("y/z", "simulate", "v2", output: "q");

        var errors = FlowValidator.Check(Unchecked(flow)).Select(e => $"{e.Task}.{e.Field}").ToList();

        Assert.Equal(["x.version", "x.name", "x.type", "x.output", "x.dependencyTimeout", "x.payload", "y/z.name"], errors);
    }

    [Fact]
    public void Check_PayloadOverTheTaskPayloadLimit_NamesTaskPayload()
    {
        var payload = $"{{\"blob\":\"{new string('x', TaskValidator.DefaultMaxPayloadBytes)}\"}}";
        var flow = new FlowBuilder("big").Task("load", "simulate", "v1", output: "raw", payload: payload);

        var error = Assert.Single(FlowValidator.Check(Unchecked(flow)));

        Assert.Equal(("load", "payload"), (error.Task, error.Field));
        Assert.Contains($"over the limit of {TaskValidator.DefaultMaxPayloadBytes} bytes", error.Message);
    }

    [Fact]
    public void Check_PayloadOverASilosTighterLimit_NamesTheSetting()
    {
        var flow = new FlowBuilder("sized").Task("load", "simulate", "v1", output: "raw", payload: Blob(5000));

        var error = Assert.Single(FlowValidator.Check(Unchecked(flow), maxPayloadBytes: 4096));

        Assert.Equal(("load", "payload"), (error.Task, error.Field));
        Assert.Contains("over the limit of 4096 bytes (Surge:Workers:MaxPayloadBytes)", error.Message);
    }

    [Fact]
    public void Check_PayloadOverTheDefaultUnderASilosLooserLimit_IsValid()
    {
        var flow = new FlowBuilder("sized").Task("load", "simulate", "v1", output: "raw", payload: Blob(1536 * 1024));

        Assert.Empty(FlowValidator.Check(Unchecked(flow), maxPayloadBytes: 2 * 1024 * 1024));
    }

    private static string Blob(int bytes) => $"{{\"blob\":\"{new string('x', bytes)}\"}}";

    [Fact]
    public void Check_PayloadsOverTheFlowsTotal_NamesFlowTasks()
    {
        // Each under the task's limit, together over the flow's.
        var payload = $"{{\"blob\":\"{new string('x', TaskValidator.DefaultMaxPayloadBytes - 100)}\"}}";
        var flow = new FlowBuilder("wide");
        var count = (int)(FlowValidator.MaxPayloadBytes / (TaskValidator.DefaultMaxPayloadBytes - 100)) + 1;
        for (var i = 0; i < count; i++) flow.Task($"t{i}", "simulate", "v1", output: $"p{i}", payload: payload);

        var error = Assert.Single(FlowValidator.Check(Unchecked(flow)));

        Assert.Equal(("flow", "tasks"), (error.Task, error.Field));
        Assert.Contains($"over the limit of {FlowValidator.MaxPayloadBytes} bytes", error.Message);
    }

    [Theory]
    [InlineData("v1", true)]
    [InlineData("2.1", true)]
    [InlineData("v1.2.3", true)]
    [InlineData("v1\n", false)]
    [InlineData("latest", false)]
    [InlineData("1.2.3.4", false)]
    public void IsVersion_Forms(string version, bool valid) => Assert.Equal(valid, FlowValidator.IsVersion(version));

    [Fact]
    public void Build_Bad_ThrowsNamingFirstTaskAndFieldAndListsTheRest()
    {
        var error = Assert.Throws<SurgeValidationException>(() => new FlowBuilder("f")
            .Task("a", "simulate", "v1", output: "p", inputs: ["nope"])
            .Task("b", "simulate", "bad", output: "q").Build());

        Assert.Equal("b.version", error.Field); // fields of each task first, then the inputs across tasks
        Assert.Contains("a.inputs: pipe 'nope' is produced by no task", error.Message);
    }

    [Fact]
    public void Parse_FlowJson_RoundTrips()
    {
        var flow = Diamond().Build();

        var again = FlowJson.Parse(FlowJson.Write(flow));

        Assert.Equal(FlowJson.Write(flow), FlowJson.Write(again));
        Assert.Equal(["l", "r"], again.Task("join")!.Inputs.ToArray());
    }

    // A bare number is seconds, as the HTTP API's and the CLI's timeouts read it: "30" was thirty days here.
    [Theory]
    [InlineData("30", 30)]
    [InlineData("00:10:00", 600)]
    [InlineData("PT10M", 600)]
    public void Parse_DependencyTimeout_ReadAsEverywhereElse(string written, double seconds)
    {
        var flow = FlowJson.Parse($$"""{"name":"f","tasks":[{"name":"a","type":"simulate","version":"v1","output":"p","dependencyTimeout":"{{written}}"}]}""");
        Assert.Equal(TimeSpan.FromSeconds(seconds), flow.Task("a")!.DependencyTimeout);
    }

    [Theory]
    [InlineData("""{"name":"f","tasks":[{"name":"a","type":"simulate","version":"v1","output":"p","dependencyTimeout":"soon"}]}""", "a.dependencyTimeout")]
    [InlineData("""{"name":"f","tasks":[{"name":"a","type":"simulate","version":"v1","output":"p","inputs":"x"}]}""", "a.inputs")]
    [InlineData("""{"name":"f","tasks":[{"name":"a","type":"simulate","version":1,"output":"p"}]}""", "a.version")]
    [InlineData("""{"name":"f","tasks":{}}""", "flow.tasks")]
    [InlineData("""{"name":"f",""", "flow")]
    public void Parse_BadJson_NamesTheField(string json, string field)
        => Assert.Equal(field, Assert.Throws<SurgeValidationException>(() => FlowJson.Parse(json)).Field);

    // A flow that reaches a grain without a client's checks (deserialized as sent): a missing task or pipe is named, not
    // a NullReferenceException or ArgumentNullException.
    [Fact]
    public void Check_NullTaskOrNullInput_NamedNotThrown()
    {
        var flow = Diamond().Build();
        var sent = flow with { Tasks = [.. flow.Tasks, null!, flow.Tasks[0] with { Name = "extra", Output = "more", Inputs = ["raw", null!] }] };

        var errors = FlowValidator.Check(sent).Select(e => $"{e.Task}.{e.Field}").ToList();

        Assert.Contains("tasks[4].task", errors);
        Assert.Contains("extra.inputs", errors);
    }

    private static FlowDefinition Unchecked(FlowBuilder builder) => builder.Unvalidated();
}
