using System.Text.Json;
using System.Xml.Linq;
using Surge.Cluster.Tests.Processes;
using Surge.Hosting;

namespace Surge.Cluster.Tests.Helm;

[Trait("Category", "Helm")]
public class DockerfileTests
{
    /// <summary>The images the repository builds: the stock silo, and the sample worker (a silo with its own handler).</summary>
    public static TheoryData<string> Images => ["silo", "sample-worker"];

    private static (Dockerfile File, string Project, string Dll) Image(string image) => image switch
    {
        "silo" => (Dockerfile.Load(), "silo/Surge.Silo/Surge.Silo.csproj", Repo.SiloDll),
        "sample-worker" => (Dockerfile.Load("samples/Surge.Samples.Worker/Dockerfile"), "samples/Surge.Samples.Worker/Surge.Samples.Worker.csproj", Repo.SampleWorkerDll),
        _ => throw new ArgumentOutOfRangeException(nameof(image), image, null),
    };

    [Theory, MemberData(nameof(Images))]
    public void Restore_CopiesEveryProjectTheHostBuildsFrom(string image)
    {
        var (dockerfile, host, _) = Image(image);
        var copied = dockerfile.All("COPY").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        foreach (var project in ProjectsOf(Path.Combine(Repo.Root, host)))
            Assert.Contains(Path.GetRelativePath(Repo.Root, project).Replace('\\', '/'), copied);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            Assert.Contains(file, copied);
    }

    [Theory, MemberData(nameof(Images))]
    public void Build_RestoresAndPublishesTheHostProject(string image)
    {
        var (dockerfile, host, _) = Image(image);
        var run = dockerfile.All("RUN").ToList();

        Assert.Contains(run, r => r.StartsWith($"dotnet restore {host} ", StringComparison.Ordinal));
        Assert.Contains(run, r => r.StartsWith($"dotnet publish {host} ", StringComparison.Ordinal) && r.Contains("-o /app", StringComparison.Ordinal));
        Assert.Contains($"-f {Path.GetRelativePath(Repo.Root, dockerfile.Path).Replace('\\', '/')} ", dockerfile.BuildCommand); // the documented command builds this file
    }

    [Theory, MemberData(nameof(Images))]
    public void Runtime_NonRootWithTheSilosPortsAndProgram(string image)
    {
        var (dockerfile, _, dll) = Image(image);
        var runtime = dockerfile.RuntimeStage.ToList();
        var user = runtime.Last(l => l.Instruction == "USER").Arguments;
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        Assert.Equal(new[] { PortOptions.DefaultSilo, PortOptions.DefaultGateway, PortOptions.DefaultHttp },
            runtime.Single(l => l.Instruction == "EXPOSE").Arguments.Split(' ').Select(int.Parse));
        var entrypoint = JsonSerializer.Deserialize<string[]>(runtime.Single(l => l.Instruction == "ENTRYPOINT").Arguments)!;
        Assert.Equal("dotnet", entrypoint[0]);
        Assert.Equal(Path.GetFileName(dll), entrypoint[1]); // the program the host project builds
    }

    [Theory, MemberData(nameof(Images))]
    public async Task Runtime_UserPortsAndAppFolderAgreeWithTheChart(string image)
    {
        var chart = await Helm.TemplateAsync(image == "silo" ? null : SampleWorkerValuesTests.Values);
        var dockerfile = Image(image).File;
        var runtime = dockerfile.RuntimeStage.ToList();
        var pod = chart.Silos["spec"]!["template"]!["spec"]!;
        Assert.Equal(runtime.Last(l => l.Instruction == "USER").Arguments, (string?)pod["securityContext"]!["runAsUser"]);
        Assert.Equal(runtime.Single(l => l.Instruction == "EXPOSE").Arguments.Split(' ').Select(int.Parse),
            new[] { chart.SiloPort("silo"), chart.SiloPort("gateway"), chart.SiloPort("http") });
        Assert.Equal(Dockerfile.Load().AppDirectory, dockerfile.AppDirectory); // where the chart mounts appsettings.Production.json
    }

    private static IEnumerable<string> ProjectsOf(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Attribute("Include")!.Value)));
        }
        return seen;
    }
}
