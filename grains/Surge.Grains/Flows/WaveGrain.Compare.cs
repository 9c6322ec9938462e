using System.Collections.Immutable;

namespace Surge.Flows;

// Comparing the outputs of a task the wave ran in two versions, entity by entity.
internal sealed partial class WaveGrain
{
    public async Task<WaveComparison> CompareAsync(string task, string? versionA = null, string? versionB = null)
    {
        var plan = Record.Plan ?? throw new SurgeValidationException("wave", $"no wave '{this.GetPrimaryKeyString()}' exists");
        var ran = plan.Steps.Where(s => s.Task.Name == task).Select(s => s.Version).ToList();
        if (ran.Count == 0) throw new SurgeValidationException("task", $"flow '{plan.Flow.Name}' has no task '{task}'");
        var a = versionA ?? ran[0];
        var b = versionB ?? (ran.Count > 1 ? ran[1] : throw new SurgeValidationException("task",
            $"the wave ran '{task}' in one version ({ran[0]}); start a wave with --version {task}=V1 --version {task}=V2, or name both versions"));
        var output = plan.Flow.Task(task)!.Output;
        int equal = 0, differ = 0, missing = 0;
        var differing = ImmutableArray.CreateBuilder<string>();
        foreach (var batch in Record.Entities.Chunk(256))
        {
            var keys = batch.SelectMany(e => new[] { PipeKey.Of(a, output, e, plan.Date), PipeKey.Of(b, output, e, plan.Date) }).ToArray();
            var values = await pipes.ReadAsync(keys);
            for (var i = 0; i < batch.Length; i++)
            {
                if (values[2 * i] is not { } x || values[2 * i + 1] is not { } y) missing++;
                else if (x.Span.SequenceEqual(y.Span)) equal++;
                else
                {
                    differ++;
                    if (differing.Count < 100) differing.Add(batch[i]);
                }
            }
        }
        return new WaveComparison(this.GetPrimaryKeyString(), task, a, b, Record.Entities.Length, equal, differ, missing, differing.ToImmutable());
    }
}
