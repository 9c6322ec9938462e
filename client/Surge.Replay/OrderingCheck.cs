namespace Surge.Replay;

/// <summary>
/// Counts entity events that started before their predecessor finished, from the runtime's own start and finish
/// times. The predecessor is the <c>after</c> event of the same entity, or the previous sequence number.
/// </summary>
public static class OrderingCheck
{
    public static int CountViolations(IEnumerable<ReplayResult> finished)
    {
        var violations = 0;
        foreach (var entity in finished.Where(r => r.Task.Entity is not null).GroupBy(r => r.Task.Entity))
        {
            var byEvent = entity.Where(r => r.Task.Event is not null).GroupBy(r => r.Task.Event!).ToDictionary(g => g.Key, g => g.ToList());
            var bySequence = entity.Where(r => r.Task.Sequence is not null).GroupBy(r => r.Task.Sequence!.Value).ToDictionary(g => g.Key, g => g.First());
            foreach (var r in entity)
            {
                if (r.Final?.StartedAt is not { } started) continue; // never ran: nothing ran out of order
                var predecessors = new List<ReplayResult>();
                if (r.Task.After is { } after && byEvent.TryGetValue(after, out var named)) predecessors.AddRange(named);
                if (r.Task.Sequence is { } seq && bySequence.TryGetValue(seq - 1, out var previous)) predecessors.Add(previous);
                if (predecessors.Any(p => p.Final?.FinishedAt is not { } finishedAt || started < finishedAt)) violations++;
            }
        }
        return violations;
    }
}
