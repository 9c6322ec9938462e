using System.Text.Json;
using Microsoft.Extensions.Options;
using Surge.Tasks;
using Surge.Pools;
using Surge.Workers;

namespace Surge.Tests;

public class FileRunLogTests
{
    [Fact]
    public void StartedThenEnded_AppendsOneJsonLineEach_WithTaskAttemptEntityAndTimes()
    {
        var dir = Directory.CreateTempSubdirectory("surge-runlog-").FullName;
        try
        {
            var item = new WorkItem(TaskSpec.Create("simulate", id: "t1").ForEntity("build-1"), PoolKind.Short, null, attempt: 2);
            var start = DateTimeOffset.FromUnixTimeMilliseconds(1_000);
            using (var log = new FileRunLog(dir))
            {
                log.Started(item, start);
                log.Ended(item, start.AddMilliseconds(250), succeeded: true);
            }

            var lines = File.ReadAllLines(Path.Combine(dir, $"runs-{Environment.ProcessId}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(2, lines.Length);
            Assert.Equal("t1", lines[0].GetProperty("task").GetString());
            Assert.Equal(2, lines[0].GetProperty("attempt").GetInt32());
            Assert.Equal("build-1", lines[0].GetProperty("entity").GetString());
            Assert.Equal(1_000, lines[0].GetProperty("start").GetInt64());
            Assert.Equal(Environment.ProcessId, lines[0].GetProperty("silo").GetInt32());
            Assert.Equal(1_250, lines[1].GetProperty("end").GetInt64());
            Assert.Equal("succeeded", lines[1].GetProperty("outcome").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Validate_RelativeRunLog_NamesKeyAndFix()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { RunLog = "runs" });
        Assert.Contains("Surge:Workers:RunLog is 'runs'; set an absolute directory path", Assert.Single(result.Failures!));
    }
}
