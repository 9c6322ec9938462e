using System.Text.Json;
using System.Xml.Linq;
using Surge.Cluster.Tests.Processes;
using Surge.Hosting;

namespace Surge.Cluster.Tests.Helm;

[Trait("Category", "Helm")]
public class DockerfileTests
{
    [Fact]
    public void Restore_CopiesEveryProjectTheSiloBuildsFrom()
    {
        var copied = Dockerfile.Load().All("COPY").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        foreach (var project in ProjectsOf(Path.Combine(Repo.Root, "silo", "Surge.Silo", "Surge.Silo.csproj")))
            Assert.Contains(Path.GetRelativePath(Repo.Root, project).Replace('\\', '/'), copied);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            Assert.Contains(file, copied);
    }

    [Fact]
    public void Runtime_NonRootWithTheSilosPortsAndProgram()
    {
        var runtime = Dockerfile.Load().RuntimeStage.ToList();
        var user = runtime.Last(l => l.Instruction == "USER").Arguments;
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        Assert.Equal(new[] { PortOptions.DefaultSilo, PortOptions.DefaultGateway, PortOptions.DefaultHttp },
            runtime.Single(l => l.Instruction == "EXPOSE").Arguments.Split(' ').Select(int.Parse));
        var entrypoint = JsonSerializer.Deserialize<string[]>(runtime.Single(l => l.Instruction == "ENTRYPOINT").Arguments)!;
        Assert.Equal("dotnet", entrypoint[0]);
        Assert.Equal(Path.GetFileName(Repo.SiloDll), entrypoint[1]); // the program the silo project builds
    }

    [Fact]
    public async Task Runtime_UserAndPortsAgreeWithTheChartDefaults()
    {
        var chart = await Helm.TemplateAsync();
        var runtime = Dockerfile.Load().RuntimeStage.ToList();
        var pod = chart.Silos["spec"]!["template"]!["spec"]!;
        Assert.Equal(runtime.Last(l => l.Instruction == "USER").Arguments, (string?)pod["securityContext"]!["runAsUser"]);
        Assert.Equal(runtime.Single(l => l.Instruction == "EXPOSE").Arguments.Split(' ').Select(int.Parse),
            new[] { chart.SiloPort("silo"), chart.SiloPort("gateway"), chart.SiloPort("http") });
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
