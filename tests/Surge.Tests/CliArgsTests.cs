using Surge.Cli;
using Surge.Cli.Commands;

namespace Surge.Tests;

public class CliArgsTests
{
    [Fact]
    public void Parse_ReplayLine_SplitsVerbPositionalOptionsAndConfig()
    {
        var args = CliArgs.Parse(["replay", "w.jsonl", "--out", "r.json", "--embedded", "--Surge:Routing:Mode=single", "--Surge:Workers:MaxConcurrency", "8"]);
        Assert.Equal("replay", args.Verb);
        Assert.Equal(["w.jsonl"], args.Positional);
        Assert.Equal("r.json", args.Get("out"));
        Assert.True(args.Has("embedded"));
        Assert.Equal(["--Surge:Routing:Mode=single", "--Surge:Workers:MaxConcurrency=8"], args.ConfigOverrides);
    }

    [Fact]
    public void RejectUnknown_Typo_NamesTheOption()
        => Assert.Contains("--ot", Assert.Throws<UsageException>(() => CliArgs.Parse(["replay", "--ot", "x"]).RejectUnknown("out")).Message);

    [Fact]
    public void GetInt_OutOfRange_SaysTheRange()
        => Assert.Contains("1 to 256", Assert.Throws<UsageException>(() => CliArgs.Parse(["replay", "--producers", "0"]).GetInt("producers", 4, 1, 256)).Message);

    [Fact]
    public void BuildSpec_Features_NumbersAndText()
    {
        var spec = SubmitCommand.BuildSpec(CliArgs.Parse(["submit", "--type", "simulate", "--feature", "rows=12", "--feature", "source=adwords", "--entity", "b/1", "--after", "started"]));
        Assert.Equal(12, spec.Features["rows"].Number);
        Assert.Equal("adwords", spec.Features["source"].Text);
        Assert.Equal(("b/1", "started"), (spec.Entity, spec.After));
    }

    [Fact]
    public void BuildSpec_MissingType_SaysHowToFix()
        => Assert.Contains("--type", Assert.Throws<UsageException>(() => SubmitCommand.BuildSpec(CliArgs.Parse(["submit"]))).Message);

    [Fact]
    public async Task Run_UnknownVerb_ExitCode2WithMessage()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await SurgeCli.RunAsync(["frobnicate"], TextWriter.Null, stderr));
        Assert.Contains("unknown command 'frobnicate'", stderr.ToString());
    }

    [Fact]
    public async Task Run_ReplayMissingFile_ExitCode1NamingFile()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, await SurgeCli.RunAsync(["replay", "/nonexistent/w.jsonl", "--out", "r.json"], TextWriter.Null, stderr));
        Assert.Contains("/nonexistent/w.jsonl", stderr.ToString());
    }
}
