using System.Diagnostics;

namespace Surge.Cluster.Tests.Packaging;

/// <summary>
/// The packages as a user gets them (issue 17's acceptance): `dotnet pack` gives the five libraries and the `surge`
/// tool, all at one version, and the tool installs from that folder and runs.
/// </summary>
[Trait("Category", "Packaging")]
public class ToolPackageTests(PackedRepository packed) : IClassFixture<PackedRepository>
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    private static readonly string[] Libraries = ["Surge.Client", "Surge.Contracts", "Surge.Grains", "Surge.Hosting", "Surge.Predictor"];

    [Fact]
    public void Pack_Solution_GivesExactlyTheLibrariesAndTheToolAtOneVersion()
    {
        Assert.Equal(Libraries.Append("Surge.Cli").Order(StringComparer.Ordinal), packed.Packages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([packed.BuiltVersion], packed.Packages.Values.Distinct());
        // Symbols of each library beside it; none for the tool, whose pdbs are inside it.
        var version = packed.Packages["Surge.Cli"];
        var expected = Libraries.SelectMany(id => new[] { $"{id}.{version}.nupkg", $"{id}.{version}.snupkg" }).Append($"Surge.Cli.{version}.nupkg");
        Assert.Equal(expected.Order(StringComparer.Ordinal), packed.Files);
        Assert.True(packed.PackTime < Quick, $"pack took {packed.PackTime}");
    }

    [Fact]
    public async Task ToolInstall_FromThePackedFolder_HelpAndWorkloadGenerateExitZero()
    {
        var version = packed.Packages["Surge.Cli"];
        // Only the packed folder as a source: the tool carries its dependencies, so nothing comes from a feed, and a
        // Surge.Cli anywhere else cannot be installed instead.
        var config = Path.Combine(packed.Directory, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{packed.Out}" />
              </packageSources>
            </configuration>
            """);
        var tools = Path.Combine(packed.Directory, "t");
        var install = await packed.DotnetAsync(Quick, "tool", "install", "--tool-path", tools, "--configfile", config, "--version", version, "Surge.Cli");
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = await SurgeAsync(tools, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("workload", help.Stdout);

        var workload = Path.Combine(packed.Directory, "w.jsonl");
        var generate = await SurgeAsync(tools, "workload", "generate", "mixed", "--n", "100", "--out", workload);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        Assert.Equal(100, File.ReadLines(workload).Count(l => l.Length > 0));

        // Installed where the tool finds what it ships: the embedded silo's defaults beside the program, and the
        // package's version in the program's informational version (what --version prints).
        var program = Directory.GetFiles(Path.Combine(tools, ".store"), "surge.dll", SearchOption.AllDirectories).Single();
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(program)!, "appsettings.json")), $"no appsettings.json beside {program}");
        Assert.StartsWith(version, FileVersionInfo.GetVersionInfo(program).ProductVersion);
    }

    private Task<CommandResult> SurgeAsync(string tools, params string[] args)
    {
        // The shim is an apphost: point it at the runtime running this test, wherever that is installed.
        var environment = new Dictionary<string, string?> { ["DOTNET_gcServer"] = "0" }; // several processes share two cores in tests
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") environment["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath);
        return Command.RunAsync(Path.Combine(tools, "surge"), packed.Directory, Quick, environment, args);
    }
}
