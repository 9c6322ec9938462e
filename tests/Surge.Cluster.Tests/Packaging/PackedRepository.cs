using System.Diagnostics;
using System.Text.RegularExpressions;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Packaging;

/// <summary>
/// The repository packed once, as `dotnet pack Orleans.sln -c Release -o out` would, into a folder of its own. Packs
/// what the test run already built (--no-build, --no-restore): test.sh builds the solution first, so this takes
/// seconds and never races another project's build or restore. The packages get the version the assemblies were built
/// with: MinVer would otherwise label them with the version of the commit checked out now, which is another one when
/// a commit came between the build and the tests.
/// </summary>
public sealed partial class PackedRepository : IAsyncLifetime
{
    // bin/<Configuration>/net10.0: pack what was built in the same configuration as the tests (as Repo does).
    private static readonly string Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"surge-pack-{Guid.NewGuid():N}");
    public string Out => Path.Combine(Directory, "out");

    /// <summary>What pack wrote: every file name in <see cref="Out"/>.</summary>
    public IReadOnlyList<string> Files { get; private set; } = [];

    /// <summary>Package id to version, from the .nupkg names.</summary>
    public IReadOnlyDictionary<string, string> Packages { get; private set; } = new Dictionary<string, string>();

    public TimeSpan PackTime { get; private set; }

    /// <summary>The version the build gave the assemblies (their informational version without the commit).</summary>
    public string BuiltVersion { get; private set; } = "";

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        BuiltVersion = FileVersionInfo.GetVersionInfo(Repo.CliDll).ProductVersion!.Split('+')[0];
        var started = TimeProvider.System.GetTimestamp();
        var pack = await DotnetAsync(TimeSpan.FromMinutes(3), "pack", Path.Combine(Repo.Root, "Orleans.sln"), "-c", Configuration,
            "--no-build", "--no-restore", "-o", Out, "--nologo", "-nodeReuse:false", $"-p:MinVerVersionOverride={BuiltVersion}");
        PackTime = TimeProvider.System.GetElapsedTime(started);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Files = System.IO.Directory.GetFiles(Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;
        Packages = Files.Select(f => PackageName().Match(f)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["id"].Value, m => m.Groups["version"].Value);
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; a test failing on its clean-up would hide the real result.
        }
        return Task.CompletedTask;
    }

    /// <summary>Runs `dotnet` with a verb in <see cref="Directory"/>.</summary>
    public Task<CommandResult> DotnetAsync(TimeSpan timeout, params string[] args)
        => Command.RunAsync("dotnet", Directory, timeout, new Dictionary<string, string?>(), args);

    // Surge.Cli.0.0.0-preview.0.117.nupkg: the id is the part before the first dot followed by a digit.
    [GeneratedRegex(@"^(?<id>.+?)\.(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageName();
}
