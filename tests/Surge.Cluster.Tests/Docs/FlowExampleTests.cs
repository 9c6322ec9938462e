using System.Text.Json;
using Surge.Cluster.Tests.Processes;
using Surge.Testing.Docs;

namespace Surge.Cluster.Tests.Docs;

/// <summary>
/// The README's flow example, end to end: its JSON file and its commands (marked <c>&lt;!-- flow-example … --&gt;</c>),
/// run by the real CLI against a real silo process, as a reader would run them against theirs.
/// </summary>
[Collection("silo-process")]
public class FlowExampleTests(SiloProcessFixture silo)
{
    [Fact]
    public async Task ReadmeFlowExample_RunAgainstASilo_WaveDoneAndVersionsCompared()
    {
        var blocks = MarkdownDocs.Blocks("README.md").Where(b => b.Marker?.StartsWith("flow-example:", StringComparison.Ordinal) == true).ToList();
        var file = Assert.Single(blocks, b => b.Language == "json");
        var commands = Assert.Single(blocks, b => b.IsShell);
        var dir = Directory.CreateTempSubdirectory("surge-flow-example-");
        try
        {
            var fileName = file.Marker!["flow-example:".Length..].Trim();
            await File.WriteAllLinesAsync(Path.Combine(dir.FullName, fileName), file.Body);
            var outputs = new List<string>();
            foreach (var line in commands.Body.Where(l => l.StartsWith("surge ", StringComparison.Ordinal)))
            {
                // Plain words only (the example has no quotes); files are the reader's working directory's.
                var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                    .Select(a => a.EndsWith(".json", StringComparison.Ordinal) ? Path.Combine(dir.FullName, a) : a).ToArray();
                using var cli = await silo.SurgeAsync(TimeSpan.FromSeconds(90), args);
                Assert.True(cli.ExitCode == 0, $"`{line}` exited {cli.ExitCode}:\n{cli.Stdout}\n{cli.Stderr}");
                outputs.Add(cli.Stdout);
            }

            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.FullName, "report.json")));
            var r = report.RootElement;
            Assert.Equal(["wave", "flow", "entities", "tasks", "finished", "degraded", "failed", "makespan_s", "critical_path_s"],
                r.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.Equal(("scoring", 3, 12, 12, 0, 0), (r.GetProperty("flow").GetString(), r.GetProperty("entities").GetInt32(), r.GetProperty("tasks").GetInt32(),
                r.GetProperty("finished").GetInt32(), r.GetProperty("degraded").GetInt32(), r.GetProperty("failed").GetInt32()));
            Assert.Contains("score v1 vs v2 over 3 entities: 3 equal, 0 differ, 0 missing", outputs[^1]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
