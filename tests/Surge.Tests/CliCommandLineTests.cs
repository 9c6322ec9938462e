using System.CommandLine;
using Surge.Cli;
using Surge.Cli.CommandLine;
using Surge.Cli.Commands;

namespace Surge.Tests;

/// <summary>The `surge` command line on System.CommandLine: exit codes, help on every command, --version.</summary>
public class CliCommandLineTests
{
    /// <summary>Every command and subcommand path, hidden ones aside, as the tree defines them.</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            data.Add(path);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden)) Walk(sub, $"{path} {sub.Name}".Trim());
        }
        Walk(CliTree.Build(CliContext.ForDefinitions()), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Run_HelpOnEveryCommand_ExitCode0WithUsage(string path)
    {
        var (code, stdout, stderr) = await RunAsync([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.True(code == 0, stderr);
        Assert.Contains($"surge {path}".Trim(), stdout);
        Assert.Contains("Usage:", stdout);
    }

    [Fact]
    public async Task Run_Version_PrintsTheInformationalVersion()
    {
        var (code, stdout, _) = await RunAsync(["--version"]);
        Assert.Equal(0, code);
        Assert.Equal(CliTree.Version, stdout.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
    }

    [Fact]
    public async Task Run_NoCommand_OverviewAndExitCode2()
    {
        var (code, stdout, stderr) = await RunAsync([]);
        Assert.Equal(2, code);
        Assert.Contains("simulate-autoscale", stdout);
        Assert.Contains("Exit codes", stdout);
        Assert.Contains("surge:", stderr);
    }

    [Fact]
    public async Task Run_HelpCommand_SameAsHelpOption()
    {
        var (code, stdout, _) = await RunAsync(["help", "dead", "purge"]);
        Assert.Equal(0, code);
        Assert.Contains("--all", stdout);
    }

    [Theory]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("replay w.jsonl --out r.json --ot x", "--ot")]
    [InlineData("replay w.jsonl --out r.json --producers 0", "--producers is '0'; give a whole number from 1 to 256")]
    [InlineData("replay w.jsonl", "--out")]
    [InlineData("submit", "--type")]
    [InlineData("submit --type simulate --feature rows", "--feature 'rows': expected NAME=VALUE")]
    [InlineData("submit --type simulate --timeout soon", "--timeout 'soon'")]
    [InlineData("submit --type simulate --max-attempts 0", "--max-attempts is '0'")]
    [InlineData("submit --type simulate --entity b/1 --sequence 0", "--sequence '0': give a whole number, 1 or more")]
    [InlineData("workload generate mixed --n 1000001 --out w.jsonl", "--n is '1000001'; give a whole number from 1 to 1000000")]
    [InlineData("status --gateway 127.0.0.1:30000 --embedded", "--embedded and --gateway exclude each other")]
    [InlineData("status --gateway nowhere", "--gateway 'nowhere'")]
    [InlineData("status --output xml", "--output is 'xml'; give text or json")]
    [InlineData("dead purge", "a TASK-ID or --all")]
    [InlineData("dead purge abc --all", "a TASK-ID or --all")]
    [InlineData("workload generate storm --out w.jsonl", "history, mixed, ordered, burst")]
    [InlineData("workload from-history h.jsonl --out w.jsonl --speed 0", "--speed is '0'")]
    [InlineData("cancel", "TASK-ID")]
    public async Task Run_BadCommandLine_ExitCode2NamingTheProblem(string line, string expected)
    {
        var (code, _, stderr) = await RunAsync(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task Run_ModelWithoutEmbedded_ExitCode2()
    {
        var (code, _, stderr) = await RunAsync(["replay", "w.jsonl", "--out", "r.json", "--model", "m.zip"]);
        Assert.Equal(2, code);
        Assert.Contains("--model needs --embedded", stderr);
    }

    // Checked as the command line is read (a bad command line: exit 2), where a replay or a training used to run to its
    // end and then fail to write what it made.
    [Theory]
    [InlineData("workload generate mixed --n 5 --out /nonexistent-dir/w.jsonl", "the directory /nonexistent-dir does not exist")]
    [InlineData("replay w.jsonl --out r.json --html /nonexistent-dir/r.html", "--html '/nonexistent-dir/r.html'")]
    [InlineData("train --history h.jsonl --out /tmp", "is a directory")]
    public async Task Run_OutputFileThatCannotBeWritten_ExitCode2OneLineNamingThePath(string line, string expected)
    {
        var (code, _, stderr) = await RunAsync(line.Split(' '));
        Assert.Equal(2, code);
        var first = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.Contains(expected, first);
        Assert.DoesNotContain("Exception", stderr);
    }

    [Fact]
    public async Task Run_EmptyOutputPath_ExitCode2()
    {
        var (code, _, stderr) = await RunAsync(["workload", "generate", "mixed", "--out", ""]);
        Assert.Equal(2, code);
        Assert.Contains("--out '': give a file path", stderr);
    }

    // A bare number is seconds: 700000 s is 8 days and a bit, over the 7-day bound, refused before connecting. It was
    // read as 700000 days, and --timeout 30 as 30 days.
    [Fact]
    public async Task Run_SubmitTimeoutInSeconds_ReadAsSeconds()
    {
        var (code, _, stderr) = await RunAsync(["submit", "--type", "simulate", "--timeout", "700000", "--gateway", "127.0.0.1:1"]);
        Assert.Equal(1, code);
        Assert.Contains("timeout: 8.02:26:40 exceeds", stderr);
    }

    // Refused by the client only once connected, with an ArgumentException's stack trace.
    [Theory]
    [InlineData("status")]
    [InlineData("cancel")]
    [InlineData("dead show")]
    [InlineData("dead retry")]
    [InlineData("schedule remove")]
    public async Task Run_EmptyId_ExitCode2BeforeConnecting(string command)
    {
        var (code, _, stderr) = await RunAsync([.. command.Split(' '), " ", "--gateway", "127.0.0.1:1"]);
        Assert.Equal(2, code);
        Assert.Contains("is empty; give one", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    // The second line: an event without an entity (the validator), or past the simulate bounds (the handler), which
    // replay counted rejected after connecting, exit 0.
    [Theory]
    [InlineData("""{"id":"b","type":"x","event":"done","duration_ms":1}""", ":2: event:")]
    [InlineData("""{"id":"b","type":"x","duration_ms":1e9}""", ":2: payload.duration_ms:")]
    public async Task Run_ReplayOfALineTheClusterWouldRefuse_ExitCode1NamingLineAndFieldBeforeConnecting(string line, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"surge-refused-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":\"ok\",\"type\":\"x\",\"duration_ms\":1}\n" + line + "\n");
        try
        {
            // No silo listens on port 1: the file must be refused before any connection is tried.
            var (code, _, stderr) = await RunAsync(["replay", path, "--out", Path.ChangeExtension(path, ".json"), "--gateway", "127.0.0.1:1"]);
            Assert.Equal(1, code);
            Assert.Contains(Path.GetFileName(path) + expected, stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Settings given on the command line are checked as the client or the embedded silo starts: a failure is the
    // silo's own line, not "surge: OptionsValidationException" and its stack trace.
    [Theory]
    [InlineData("status --gateway 127.0.0.1:1 --Surge:Client:FailoverTimeout=banana", "surge: Surge:Client:FailoverTimeout is 'banana'; write a duration")]
    [InlineData("status --gateway 127.0.0.1:1 --Surge:Client:WaitSlice=00:00:00", "surge: Surge:Client:WaitSlice is 00:00:00; set 00:00:01 to")] // was "cannot reach gateway"
    [InlineData("status --embedded --Surge:Tasks:Retention=banana", "surge: Surge:Tasks:Retention is 'banana'; write a duration")]
    [InlineData("status --embedded --Surge:Tasks:Retention=00:00:00", "surge: Surge:Tasks:Retention is 00:00:00; set 00:00:01 to 365.00:00:00")]
    public async Task Run_SettingThatFailsItsCheck_ExitCode1OneLineNamingIt(string line, string expected)
    {
        var (code, _, stderr) = await RunAsync(line.Split(' '));
        Assert.Equal(1, code);
        var only = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("surge:", StringComparison.Ordinal));
        Assert.StartsWith(expected, only);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Run_ReplayMissingFile_ExitCode1NamingFile()
    {
        var (code, _, stderr) = await RunAsync(["replay", "/nonexistent/w.jsonl", "--out", "r.json"]);
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/w.jsonl", stderr);
    }

    [Fact]
    public void Split_ConfigOverrides_BothFormsTakenOffTheLine()
    {
        var (rest, overrides) = ConfigOverrides.Split(["replay", "w.jsonl", "--out", "r.json", "--embedded", "--Surge:Routing:Mode=single", "--Surge:Workers:MaxConcurrency", "8"]);
        Assert.Equal(["replay", "w.jsonl", "--out", "r.json", "--embedded"], rest);
        Assert.Equal(["--Surge:Routing:Mode=single", "--Surge:Workers:MaxConcurrency=8"], overrides);
    }

    [Fact]
    public void Parse_ConfigOverrideBetweenOptions_CommandStillParses()
    {
        var (rest, _) = ConfigOverrides.Split(["submit", "--type", "simulate", "--Surge:Client:MaxRetries=8", "--wait"]);
        var parsed = CliTree.Build(CliContext.ForDefinitions()).Parse(rest);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Build_SubmitOptions_FeaturesNumbersAndText()
    {
        var spec = new SpecOptions();
        var command = new Command("submit");
        foreach (var option in spec.All) command.Add(option);
        var task = spec.Build(command.Parse(["--type", "simulate", "--feature", "rows=12", "--feature", "source=adwords", "--entity", "b/1", "--after", "started",
            "--timeout", "00:01:00", "--max-attempts", "3"]));
        Assert.Equal(12, task.Features["rows"].Number);
        Assert.Equal("adwords", task.Features["source"].Text);
        Assert.Equal(("b/1", "started"), (task.Entity, task.After));
        Assert.Equal((TimeSpan.FromMinutes(1), 3), (task.Timeout, task.MaxAttempts));
    }

    [Fact]
    public void Build_PayloadAtFile_ReadsTheFile()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"rows": [1, 2, 3], "note": "it's"}""", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true)); // with a BOM, as some editors write
        var spec = new SpecOptions();
        var command = new Command("submit");
        foreach (var option in spec.All) command.Add(option);

        // As SurgeCli parses: System.CommandLine's response files (@FILE as more arguments) are off.
        var task = spec.Build(command.Parse(["--type", "simulate", "--payload", "@" + file], new ParserConfiguration { ResponseFileTokenReplacer = null }));

        Assert.Equal("""{"rows": [1, 2, 3], "note": "it's"}""", System.Text.Encoding.UTF8.GetString(task.Payload.Span));
        File.Delete(file);
    }

    [Theory]
    [InlineData("missing", "--payload @{0}: Could not find file")]
    [InlineData("binary", "--payload @{0}: not UTF-8 text; a payload is JSON")]
    public async Task Run_PayloadAtFileUnreadable_UsageErrorNamesTheFile(string kind, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"payload-{Guid.NewGuid():N}.json");
        if (kind == "binary") File.WriteAllBytes(file, [0x7B, 0xFF, 0xFE, 0x7D]);

        var (code, _, stderr) = await RunAsync(["submit", "--type", "simulate", "--payload", "@" + file]);

        Assert.True(code == 2, stderr);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, file), stderr);
        File.Delete(file);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await SurgeCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
